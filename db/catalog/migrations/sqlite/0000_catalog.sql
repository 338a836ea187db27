CREATE TABLE `categories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `categories_name_unique` ON `categories` (`name`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`category_id` integer NOT NULL,
	`price_cents` integer NOT NULL,
	`stock_quantity` integer NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`popularity` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "products_price_cents_nonnegative" CHECK(price_cents >= 0),
	CONSTRAINT "products_stock_nonnegative" CHECK(stock_quantity >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_sku_live_uq` ON `products` (`sku`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `products_updated_at_id_idx` ON `products` (`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `products_live_category_idx` ON `products` (`category_id`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `products_live_totals_idx` ON `products` (`category_id`,`is_active`,`stock_quantity`,`price_cents`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `products_stock_live_idx` ON `products` (`stock_quantity`,`id`) WHERE deleted_at IS NULL AND is_active = 1;--> statement-breakpoint
CREATE INDEX `products_popularity_live_idx` ON `products` (`popularity`,`id`) WHERE deleted_at IS NULL AND is_active = 1;--> statement-breakpoint
CREATE INDEX `products_deleted_at_idx` ON `products` (`deleted_at`) WHERE deleted_at IS NOT NULL;