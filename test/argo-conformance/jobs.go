package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
)

// JobOut is one Job the job provider created, and what running it gave.
type JobOut struct {
	Name     string   `json:"name"`
	Image    string   `json:"image"`
	Args     []string `json:"args"`
	ExitCode int      `json:"exitCode"`
	Output   string   `json:"output"`
}

type jobRecorder struct {
	mu   sync.Mutex
	jobs []JobOut
}

func (r *jobRecorder) add(job JobOut) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jobs = append(r.jobs, job)
}

func (r *jobRecorder) snapshot() []JobOut {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]JobOut(nil), r.jobs...)
}

// startJobRunner plays the kubelet for Jobs the job provider creates: it runs
// the first container's args (already resolved by Argo) with config.JobCommand
// standing in for the image's entrypoint, bounded by activeDeadlineSeconds,
// then sets the Job's Complete or Failed condition from the exit code, which
// is all the job provider reads.
func startJobRunner(ctx context.Context, client kubernetes.Interface, config Config) *jobRecorder {
	recorder := &jobRecorder{}
	watcher, err := client.BatchV1().Jobs("").Watch(ctx, metav1.ListOptions{})
	if err != nil {
		fail("watching jobs: %v", err)
	}
	go func() {
		defer watcher.Stop()
		for event := range watcher.ResultChan() {
			job, ok := event.Object.(*batchv1.Job)
			if !ok || event.Type != watch.Added {
				continue
			}
			go runJob(ctx, client, job, config, recorder)
		}
	}()
	return recorder
}

func runJob(ctx context.Context, client kubernetes.Interface, job *batchv1.Job, config Config, recorder *jobRecorder) {
	out := JobOut{Name: job.Name, ExitCode: -1}
	containers := job.Spec.Template.Spec.Containers
	if len(containers) == 1 && len(config.JobCommand) > 0 {
		container := containers[0]
		out.Image = container.Image
		out.Args = container.Args
		args, cleanup, err := mountEmptyDirs(job, container)
		if err != nil {
			out.Output = err.Error()
			recorder.add(out)
			return
		}
		defer cleanup()
		deadline := 600 * time.Second
		if job.Spec.ActiveDeadlineSeconds != nil {
			deadline = time.Duration(*job.Spec.ActiveDeadlineSeconds) * time.Second
		}
		runCtx, cancel := context.WithTimeout(ctx, deadline)
		command := exec.CommandContext(runCtx, config.JobCommand[0], append(config.JobCommand[1:], args...)...)
		command.Env = os.Environ()
		for _, env := range container.Env {
			// HOME=/tmp and friends only make sense inside the image's filesystem.
			if env.Name != "HOME" {
				command.Env = append(command.Env, env.Name+"="+env.Value)
			}
		}
		for name, value := range config.JobEnv {
			command.Env = append(command.Env, name+"="+value)
		}
		output, err := command.CombinedOutput()
		cancel()
		out.Output = tail(string(output), 4000)
		var exitErr *exec.ExitError
		switch {
		case err == nil:
			out.ExitCode = 0
		case errors.As(err, &exitErr):
			out.ExitCode = exitErr.ExitCode()
		default:
			out.Output += "\n" + err.Error()
		}
	} else {
		out.Output = "no job command given, or not exactly one container"
	}
	recorder.add(out)

	condition := batchv1.JobCondition{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}
	status := batchv1.JobStatus{Succeeded: 1}
	if out.ExitCode != 0 {
		condition.Type = batchv1.JobFailed
		condition.Reason = "BackoffLimitExceeded"
		status = batchv1.JobStatus{Failed: 1}
	}
	status.Conditions = []batchv1.JobCondition{condition}
	current, err := client.BatchV1().Jobs(job.Namespace).Get(ctx, job.Name, metav1.GetOptions{})
	if err != nil {
		return
	}
	current.Status = status
	_, _ = client.BatchV1().Jobs(job.Namespace).UpdateStatus(ctx, current, metav1.UpdateOptions{})
}

// mountEmptyDirs gives each emptyDir volume mount a fresh temporary
// directory, as the kubelet would, and points args naming a mount path
// (e.g. --reports-dir /reports) into it, so nothing is written outside.
func mountEmptyDirs(job *batchv1.Job, container corev1.Container) ([]string, func(), error) {
	emptyDirs := map[string]bool{}
	for _, volume := range job.Spec.Template.Spec.Volumes {
		if volume.EmptyDir != nil {
			emptyDirs[volume.Name] = true
		}
	}
	var dirs []string
	cleanup := func() {
		for _, dir := range dirs {
			_ = os.RemoveAll(dir)
		}
	}
	args := append([]string(nil), container.Args...)
	for _, mount := range container.VolumeMounts {
		if !emptyDirs[mount.Name] {
			continue
		}
		dir, err := os.MkdirTemp("", "argo-job-"+mount.Name+"-")
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		dirs = append(dirs, dir)
		for i, arg := range args {
			if arg == mount.MountPath || strings.HasPrefix(arg, mount.MountPath+"/") {
				args[i] = dir + strings.TrimPrefix(arg, mount.MountPath)
			}
		}
	}
	return args, cleanup, nil
}

func tail(text string, max int) string {
	if len(text) <= max {
		return text
	}
	return text[len(text)-max:]
}
