package main

import (
	"fmt"
	"os"

	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	"sigs.k8s.io/yaml"
)

// readTemplates decodes each file strictly into Argo's own Go types: a field
// the types do not know is an error, as it would be for the API server.
func readTemplates(files []string) ([]*v1alpha1.AnalysisTemplate, []*v1alpha1.ClusterAnalysisTemplate, error) {
	var templates []*v1alpha1.AnalysisTemplate
	var clusterTemplates []*v1alpha1.ClusterAnalysisTemplate
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, nil, err
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(data, &head); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file, err)
		}
		if head.APIVersion != "argoproj.io/v1alpha1" {
			return nil, nil, fmt.Errorf("%s: apiVersion %q", file, head.APIVersion)
		}
		switch head.Kind {
		case "AnalysisTemplate":
			var template v1alpha1.AnalysisTemplate
			if err := yaml.UnmarshalStrict(data, &template); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", file, err)
			}
			templates = append(templates, &template)
		case "ClusterAnalysisTemplate":
			var template v1alpha1.ClusterAnalysisTemplate
			if err := yaml.UnmarshalStrict(data, &template); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", file, err)
			}
			clusterTemplates = append(clusterTemplates, &template)
		default:
			return nil, nil, fmt.Errorf("%s: kind %q is not an analysis template", file, head.Kind)
		}
	}
	if len(templates)+len(clusterTemplates) == 0 {
		return nil, nil, fmt.Errorf("no templates given")
	}
	return templates, clusterTemplates, nil
}
