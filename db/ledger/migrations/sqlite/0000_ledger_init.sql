CREATE TABLE `counters` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer DEFAULT 0 NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `counters_expires_at` ON `counters` (`expires_at`) WHERE expires_at IS NOT NULL;--> statement-breakpoint
CREATE TABLE `job_logs` (
	`id` integer PRIMARY KEY NOT NULL,
	`job_id` integer NOT NULL,
	`at` integer NOT NULL,
	`level` text NOT NULL,
	`message` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `job_logs_job` ON `job_logs` (`job_id`,`id`);--> statement-breakpoint
CREATE TABLE `job_states` (
	`id` integer PRIMARY KEY NOT NULL,
	`job_id` integer NOT NULL,
	`state` text NOT NULL,
	`reason` text,
	`at` integer NOT NULL,
	`data` text
);
--> statement-breakpoint
CREATE INDEX `job_states_job` ON `job_states` (`job_id`,`id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`queue` text DEFAULT 'default' NOT NULL,
	`args` text DEFAULT 'null' NOT NULL,
	`state` text NOT NULL,
	`reason` text,
	`attempt` integer DEFAULT 0 NOT NULL,
	`max_retries` integer DEFAULT 10 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`enqueue_at` integer,
	`enqueued_at` integer,
	`started_at` integer,
	`finished_at` integer,
	`server_id` text,
	`worker_id` text,
	`lease_until` integer,
	`unique_key` text,
	`recurring_id` text,
	`scheduled_for` integer,
	`progress` real,
	`progress_message` text,
	`result` text,
	`error_type` text,
	`error_message` text,
	`error_stack` text,
	`duration_ms` real,
	`latency_ms` real,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_state_id` ON `jobs` (`state`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_type_id` ON `jobs` (`type`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_unique_key` ON `jobs` (`unique_key`) WHERE unique_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX `jobs_scheduled_at` ON `jobs` (`enqueue_at`) WHERE state = 'Scheduled';--> statement-breakpoint
CREATE INDEX `jobs_expires_at` ON `jobs` (`expires_at`) WHERE expires_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `jobs_recurring` ON `jobs` (`recurring_id`,`id`) WHERE recurring_id IS NOT NULL;--> statement-breakpoint
CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`expires_at` integer NOT NULL,
	`token` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `recurring_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`args` text DEFAULT 'null' NOT NULL,
	`cron` text NOT NULL,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`misfire` text DEFAULT 'relaxed' NOT NULL,
	`enabled` integer DEFAULT 1 NOT NULL,
	`queue` text DEFAULT 'default' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_execution` integer,
	`next_execution` integer,
	`last_job_id` integer,
	`error` text
);
--> statement-breakpoint
CREATE TABLE `servers` (
	`id` text PRIMARY KEY NOT NULL,
	`hostname` text NOT NULL,
	`pid` integer NOT NULL,
	`worker_count` integer NOT NULL,
	`queues` text DEFAULT '["default"]' NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL,
	`actors` text DEFAULT '[]' NOT NULL
);
