package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"k8s.io/client-go/tools/clientcmd"

	"skiff/pkg/scheduler"
)

// schedulerCmd runs the scheduler alone against any API server.
func schedulerCmd() *cobra.Command {
	var kubeconfig string
	cmd := &cobra.Command{
		Use:   "scheduler",
		Short: "Run the scheduler alone (skiff server already runs one)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return scheduler.Run(ctx, cfg, slog.New(slog.NewTextHandler(os.Stderr, nil)))
		},
	}
	cmd.Flags().StringVar(&kubeconfig, "kubeconfig", "", "kubeconfig of the cluster (required)")
	cmd.MarkFlagRequired("kubeconfig")
	return cmd
}
