DROP INDEX `jobs_state_id`;--> statement-breakpoint
CREATE INDEX `jobs_enqueued` ON `jobs` (`id`) WHERE state = 'Enqueued';--> statement-breakpoint
CREATE INDEX `jobs_scheduled` ON `jobs` (`id`) WHERE state = 'Scheduled';--> statement-breakpoint
CREATE INDEX `jobs_processing` ON `jobs` (`id`) WHERE state = 'Processing';--> statement-breakpoint
CREATE INDEX `jobs_failed` ON `jobs` (`id`) WHERE state = 'Failed';--> statement-breakpoint
CREATE INDEX `jobs_deleted` ON `jobs` (`id`) WHERE state = 'Deleted';