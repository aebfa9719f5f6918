// Command argo-conformance runs slogate's generated AnalysisTemplates through
// Argo Rollouts' own analysis controller, without a cluster: the controller,
// its metric providers (prometheus, web, job) and its condition evaluation
// are the real ones from github.com/argoproj/argo-rollouts; only the
// Kubernetes API is a client-go fake, and Jobs are "run" by this program.
//
// Usage: argo-conformance <config.json>   (JSON result on stdout, logs on stderr)
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"

	log "github.com/sirupsen/logrus"
)

// Config is what the test driver sends.
type Config struct {
	// Mode "run" (default): an AnalysisRun through the controller. "evaluate": conditions only.
	Mode string `json:"mode"`
	// Template files: AnalysisTemplate or ClusterAnalysisTemplate YAML (one document each).
	Templates []string `json:"templates"`
	// Args the Rollout would pass (plain values).
	Args map[string]string `json:"args"`
	// Namespace of the AnalysisRun. Default "default".
	Namespace string `json:"namespace"`
	// Secrets to create in the fake API (for args with valueFrom.secretKeyRef).
	Secrets []SecretValue `json:"secrets"`
	// The command standing in for the Job's image entrypoint (the container's args are appended).
	JobCommand []string `json:"jobCommand"`
	// Extra environment for the Job's command.
	JobEnv map[string]string `json:"jobEnv"`
	// Upper bound on the whole run. Default 120.
	TimeoutSeconds int `json:"timeoutSeconds"`
	// For mode "evaluate": results to evaluate every metric's conditions against.
	Results []ResultCase `json:"results"`
}

// SecretValue is one key of a Secret.
type SecretValue struct {
	Name  string `json:"name"`
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ResultCase is one provider result: numbers may be "NaN", "+Inf", "-Inf"; Text is a web/jsonPath string.
type ResultCase struct {
	Name   string        `json:"name"`
	Vector []interface{} `json:"vector,omitempty"`
	Text   *string       `json:"text,omitempty"`
}

func main() {
	log.SetOutput(os.Stderr)
	log.SetLevel(log.WarnLevel)
	if len(os.Args) != 2 {
		fail("usage: argo-conformance <config.json>")
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail("reading config: %v", err)
	}
	var config Config
	if err := json.Unmarshal(raw, &config); err != nil {
		fail("parsing config: %v", err)
	}
	if config.Namespace == "" {
		config.Namespace = "default"
	}
	if config.TimeoutSeconds == 0 {
		config.TimeoutSeconds = 120
	}
	templates, clusterTemplates, err := readTemplates(config.Templates)
	if err != nil {
		fail("%v", err)
	}
	var out interface{}
	switch config.Mode {
	case "evaluate":
		out, err = evaluateConditions(templates, clusterTemplates, config.Results)
	case "", "run":
		out, err = runAnalysis(config, templates, clusterTemplates)
	default:
		err = fmt.Errorf("unknown mode %q", config.Mode)
	}
	if err != nil {
		fail("%v", err)
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(out); err != nil {
		fail("writing result: %v", err)
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "argo-conformance: "+format+"\n", args...)
	os.Exit(2)
}

// parseNumber reads JSON numbers and the strings Prometheus uses for special values.
func parseNumber(value interface{}) (float64, error) {
	switch v := value.(type) {
	case float64:
		return v, nil
	case string:
		switch strings.TrimSpace(v) {
		case "NaN":
			return math.NaN(), nil
		case "+Inf", "Inf":
			return math.Inf(1), nil
		case "-Inf":
			return math.Inf(-1), nil
		}
	}
	return 0, fmt.Errorf("not a number: %v", value)
}
