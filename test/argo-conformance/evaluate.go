package main

import (
	"fmt"

	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	analysisutil "github.com/argoproj/argo-rollouts/utils/analysis"
	"github.com/argoproj/argo-rollouts/utils/evaluate"
	log "github.com/sirupsen/logrus"
)

// EvaluatedCase is one metric's phase for one result, as Argo's evaluate package decides it.
type EvaluatedCase struct {
	Metric string `json:"metric"`
	Case   string `json:"case"`
	Phase  string `json:"phase"`
	Error  string `json:"error,omitempty"`
}

// evaluateConditions applies every metric's success/failure conditions to
// each result exactly as the providers do: the prometheus provider hands a
// vector over as []float64, the web provider a jsonPath value as a string.
func evaluateConditions(templates []*v1alpha1.AnalysisTemplate, clusterTemplates []*v1alpha1.ClusterAnalysisTemplate, results []ResultCase) ([]EvaluatedCase, error) {
	flat, err := analysisutil.FlattenTemplates(templates, clusterTemplates)
	if err != nil {
		return nil, err
	}
	logger := *log.WithField("harness", "evaluate")
	var out []EvaluatedCase
	for _, metric := range flat.Spec.Metrics {
		for _, result := range results {
			var value interface{}
			if result.Text != nil {
				value = *result.Text
			} else {
				numbers := make([]float64, 0, len(result.Vector))
				for _, item := range result.Vector {
					number, err := parseNumber(item)
					if err != nil {
						return nil, fmt.Errorf("case %s: %w", result.Name, err)
					}
					numbers = append(numbers, number)
				}
				value = numbers
			}
			phase, err := evaluate.EvaluateResult(value, metric, logger)
			entry := EvaluatedCase{Metric: metric.Name, Case: result.Name, Phase: string(phase)}
			if err != nil {
				entry.Error = err.Error()
			}
			out = append(out, entry)
		}
	}
	return out, nil
}
