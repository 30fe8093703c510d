-- CreateEnum
CREATE TYPE "message_status" AS ENUM ('pending', 'parsed', 'rejected');

-- CreateTable
CREATE TABLE "bank_messages" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "dedup_key" CHAR(64) NOT NULL,
    "text" TEXT NOT NULL,
    "sender" VARCHAR(64),
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "message_status" NOT NULL DEFAULT 'pending',
    "result" JSONB,
    "reason" VARCHAR(64),
    "correction" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "parsed_at" TIMESTAMPTZ(3),
    "corrected_at" TIMESTAMPTZ(3),

    CONSTRAINT "bank_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_templates" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "sender" VARCHAR(64),
    "template_key" VARCHAR(64) NOT NULL,
    "template" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "learned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "hits" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "user_templates_pkey" PRIMARY KEY ("id")
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
CREATE INDEX "bank_messages_user_id_received_at_id_idx" ON "bank_messages"("user_id", "received_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "bank_messages_user_id_status_received_at_id_idx" ON "bank_messages"("user_id", "status", "received_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "bank_messages_user_id_dedup_key_key" ON "bank_messages"("user_id", "dedup_key");

-- CreateIndex
CREATE INDEX "user_templates_user_id_sender_learned_at_idx" ON "user_templates"("user_id", "sender", "learned_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "user_templates_user_id_template_key_key" ON "user_templates"("user_id", "template_key");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_event_id_key" ON "outbox_events"("event_id");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_id_idx" ON "outbox_events"("published_at", "id");
