-- CreateTable
CREATE TABLE "expenses" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "type" VARCHAR(6) NOT NULL,
    "amount" DECIMAL(19,4) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "merchant" VARCHAR(200),
    "merchant_key" VARCHAR(200),
    "category" VARCHAR(32) NOT NULL,
    "category_source" VARCHAR(8) NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3),
    "source" VARCHAR(8) NOT NULL,
    "message_id" UUID,
    "note" VARCHAR(1000),
    "account_last4" VARCHAR(8),
    "channel" VARCHAR(16),
    "reference" VARCHAR(100),
    "idempotency_key" VARCHAR(255),
    "request_hash" CHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "expenses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "merchant_category_rules" (
    "user_id" UUID NOT NULL,
    "merchant_key" VARCHAR(200) NOT NULL,
    "category" VARCHAR(32) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "merchant_category_rules_pkey" PRIMARY KEY ("user_id","merchant_key")
);

-- CreateTable
CREATE TABLE "outbox_events" (
    "id" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "headers" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_events" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer","event_id")
);

-- CreateIndex
CREATE INDEX "expenses_user_id_occurred_at_id_idx" ON "expenses"("user_id", "occurred_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "expenses_user_id_merchant_key_idx" ON "expenses"("user_id", "merchant_key");

-- CreateIndex
CREATE UNIQUE INDEX "expenses_user_id_message_id_key" ON "expenses"("user_id", "message_id");

-- CreateIndex
CREATE UNIQUE INDEX "expenses_user_id_idempotency_key_key" ON "expenses"("user_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_event_id_key" ON "outbox_events"("event_id");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_id_idx" ON "outbox_events"("published_at", "id");
