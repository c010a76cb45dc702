// Package cronjob creates Jobs from CronJobs on their cron schedule (in spec.timeZone), named
// <cronjob>-<scheduled time in Unix minutes>, honouring concurrencyPolicy, startingDeadlineSeconds,
// suspend and the successful/failed job history limits. Time comes from an injected clock, and
// the controller's workqueue waits on the same clock, so schedules are testable with a fake one.
package cronjob
