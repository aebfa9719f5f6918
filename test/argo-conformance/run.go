package main

import (
	"context"
	"fmt"
	"time"

	"github.com/argoproj/argo-rollouts/analysis"
	"github.com/argoproj/argo-rollouts/controller/metrics"
	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	"github.com/argoproj/argo-rollouts/pkg/client/clientset/versioned/fake"
	informers "github.com/argoproj/argo-rollouts/pkg/client/informers/externalversions"
	analysisutil "github.com/argoproj/argo-rollouts/utils/analysis"
	"github.com/argoproj/argo-rollouts/utils/queue"
	"github.com/argoproj/argo-rollouts/utils/record"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubeinformers "k8s.io/client-go/informers"
	k8sfake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/util/workqueue"
)

// MeasurementOut is one measurement as the controller recorded it.
type MeasurementOut struct {
	Phase   string `json:"phase"`
	Value   string `json:"value"`
	Message string `json:"message,omitempty"`
}

// MetricOut is one metric's result in the AnalysisRun status.
type MetricOut struct {
	Name         string           `json:"name"`
	Phase        string           `json:"phase"`
	DryRun       bool             `json:"dryRun"`
	Message      string           `json:"message,omitempty"`
	Count        int32            `json:"count"`
	Successful   int32            `json:"successful"`
	Failed       int32            `json:"failed"`
	Inconclusive int32            `json:"inconclusive"`
	Error        int32            `json:"error"`
	Measurements []MeasurementOut `json:"measurements"`
}

// RunOut is the finished AnalysisRun.
type RunOut struct {
	Phase         string              `json:"phase"`
	Message       string              `json:"message,omitempty"`
	Metrics       []MetricOut         `json:"metrics"`
	RunSummary    v1alpha1.RunSummary `json:"runSummary"`
	DryRunSummary v1alpha1.RunSummary `json:"dryRunSummary"`
	Jobs          []JobOut            `json:"jobs,omitempty"`
	ElapsedMs     int64               `json:"elapsedMs"`
}

// runAnalysis builds the AnalysisRun the way the rollout controller does
// (NewAnalysisRunFromTemplates: flatten, merge args, dry-run metrics), hands
// it to the real analysis controller, and waits until the run completes.
func runAnalysis(config Config, templates []*v1alpha1.AnalysisTemplate, clusterTemplates []*v1alpha1.ClusterAnalysisTemplate) (*RunOut, error) {
	started := time.Now()
	args := make([]v1alpha1.Argument, 0, len(config.Args))
	for name, value := range config.Args {
		v := value
		args = append(args, v1alpha1.Argument{Name: name, Value: &v})
	}
	run, err := analysisutil.NewAnalysisRunFromTemplates(templates, clusterTemplates, args, nil, nil,
		map[string]string{"slogate.dev/harness": "argo-conformance"}, nil, "slogate-analysis", "", config.Namespace)
	if err != nil {
		return nil, fmt.Errorf("building the AnalysisRun: %w", err)
	}

	kubeClient := k8sfake.NewSimpleClientset()
	for _, secret := range config.Secrets {
		_, err := kubeClient.CoreV1().Secrets(config.Namespace).Create(context.Background(), &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: secret.Name, Namespace: config.Namespace},
			Data:       map[string][]byte{secret.Key: []byte(secret.Value)},
		}, metav1.CreateOptions{})
		if err != nil {
			return nil, fmt.Errorf("creating secret %s: %w", secret.Name, err)
		}
	}
	argoClient := fake.NewSimpleClientset()
	argoInformers := informers.NewSharedInformerFactory(argoClient, 0)
	kubeInformers := kubeinformers.NewSharedInformerFactory(kubeClient, 0)
	controller := analysis.NewController(analysis.ControllerConfig{
		KubeClientSet:        kubeClient,
		ArgoProjClientset:    argoClient,
		AnalysisRunInformer:  argoInformers.Argoproj().V1alpha1().AnalysisRuns(),
		JobInformer:          kubeInformers.Batch().V1().Jobs(),
		ResyncPeriod:         0,
		AnalysisRunWorkQueue: workqueue.NewNamedRateLimitingQueue(queue.DefaultArgoRolloutsRateLimiter(), "AnalysisRuns"),
		// Never started: the controller only records into it.
		MetricsServer: metrics.NewMetricsServer(metrics.ServerConfig{
			Addr:               "127.0.0.1:0",
			K8SRequestProvider: &metrics.K8sRequestsCountProvider{},
		}),
		Recorder: record.NewFakeEventRecorder(),
	})

	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(config.TimeoutSeconds)*time.Second)
	defer cancel()
	jobs := startJobRunner(ctx, kubeClient, config)
	argoInformers.Start(ctx.Done())
	kubeInformers.Start(ctx.Done())
	go func() { _ = controller.Run(ctx, 2) }()

	if _, err := argoClient.ArgoprojV1alpha1().AnalysisRuns(config.Namespace).Create(ctx, run, metav1.CreateOptions{}); err != nil {
		return nil, fmt.Errorf("creating the AnalysisRun: %w", err)
	}
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			current, _ := argoClient.ArgoprojV1alpha1().AnalysisRuns(config.Namespace).Get(context.Background(), run.Name, metav1.GetOptions{})
			phase := "none"
			if current != nil {
				phase = string(current.Status.Phase)
			}
			return nil, fmt.Errorf("the AnalysisRun did not complete within %d s (phase %s)", config.TimeoutSeconds, phase)
		case <-ticker.C:
		}
		current, err := argoClient.ArgoprojV1alpha1().AnalysisRuns(config.Namespace).Get(ctx, run.Name, metav1.GetOptions{})
		if err != nil || !current.Status.Phase.Completed() {
			continue
		}
		out := summarize(current)
		out.Jobs = jobs.snapshot()
		out.ElapsedMs = time.Since(started).Milliseconds()
		return out, nil
	}
}

func summarize(run *v1alpha1.AnalysisRun) *RunOut {
	out := &RunOut{Phase: string(run.Status.Phase), Message: run.Status.Message}
	if run.Status.RunSummary.Count > 0 {
		out.RunSummary = run.Status.RunSummary
	}
	if run.Status.DryRunSummary != nil {
		out.DryRunSummary = *run.Status.DryRunSummary
	}
	for _, result := range run.Status.MetricResults {
		metric := MetricOut{
			Name:         result.Name,
			Phase:        string(result.Phase),
			DryRun:       result.DryRun,
			Message:      result.Message,
			Count:        result.Count,
			Successful:   result.Successful,
			Failed:       result.Failed,
			Inconclusive: result.Inconclusive,
			Error:        result.Error,
		}
		for _, m := range result.Measurements {
			metric.Measurements = append(metric.Measurements, MeasurementOut{Phase: string(m.Phase), Value: m.Value, Message: m.Message})
		}
		out.Metrics = append(out.Metrics, metric)
	}
	return out
}
