-- CreateEnum
CREATE TYPE "RecordStatus" AS ENUM ('ACTIVE', 'DISABLED');

-- CreateEnum
CREATE TYPE "CardStatus" AS ENUM ('ACTIVE', 'BLOCKED', 'LOST', 'STOLEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "PinMethod" AS ENUM ('VISA_PVV', 'IBM_3624_OFFSET');

-- CreateEnum
CREATE TYPE "AccountType" AS ENUM ('DEFAULT', 'SAVINGS', 'CHECKING', 'CREDIT');

-- CreateEnum
CREATE TYPE "TransactionType" AS ENUM ('PURCHASE', 'DEPOSIT', 'WITHDRAWAL', 'TRANSFER_IN', 'TRANSFER_OUT', 'FEE', 'REFUND');

-- CreateEnum
CREATE TYPE "TerminalPinMode" AS ENUM ('NONE', 'FIXED_KEY', 'DUKPT_TDES', 'DUKPT_AES');

-- CreateEnum
CREATE TYPE "OperatorRole" AS ENUM ('ADMIN', 'SUPPORT', 'AUDITOR');

-- CreateEnum
CREATE TYPE "KeyStatus" AS ENUM ('ACTIVE', 'RETIRED');

-- CreateTable
CREATE TABLE "issuers" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "locale" TEXT NOT NULL,
    "status" "RecordStatus" NOT NULL DEFAULT 'ACTIVE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "issuers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bin_ranges" (
    "id" UUID NOT NULL,
    "issuer_id" UUID NOT NULL,
    "low" TEXT NOT NULL,
    "high" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bin_ranges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cardholders" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "phone_pin_data" TEXT,
    "phone_pin_tries" INTEGER NOT NULL DEFAULT 0,
    "phone_pin_locked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cardholders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "phone_numbers" (
    "id" UUID NOT NULL,
    "cardholder_id" UUID NOT NULL,
    "e164" TEXT NOT NULL,
    "verified_at" TIMESTAMPTZ(3),

    CONSTRAINT "phone_numbers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cards" (
    "id" UUID NOT NULL,
    "issuer_id" UUID NOT NULL,
    "cardholder_id" UUID NOT NULL,
    "pan_hash" TEXT NOT NULL,
    "bin" TEXT NOT NULL,
    "last4" CHAR(4) NOT NULL,
    "expiry" CHAR(4) NOT NULL,
    "status" "CardStatus" NOT NULL DEFAULT 'ACTIVE',
    "pin_method" "PinMethod",
    "pin_verification_data" TEXT,
    "pin_tries" INTEGER NOT NULL DEFAULT 0,
    "pin_locked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "accounts" (
    "id" UUID NOT NULL,
    "issuer_id" UUID NOT NULL,
    "reference" TEXT NOT NULL,
    "type" "AccountType" NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "ledger" BIGINT NOT NULL,
    "available" BIGINT NOT NULL,
    "pending" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "card_accounts" (
    "card_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "card_accounts_pkey" PRIMARY KEY ("card_id","account_id")
);

-- CreateTable
CREATE TABLE "transactions" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "posted_at" TIMESTAMPTZ(3) NOT NULL,
    "type" "TransactionType" NOT NULL,
    "amount" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "description" TEXT NOT NULL,

    CONSTRAINT "transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "terminals" (
    "id" UUID NOT NULL,
    "tid" VARCHAR(8) NOT NULL,
    "mid" VARCHAR(15) NOT NULL,
    "status" "RecordStatus" NOT NULL DEFAULT 'ACTIVE',
    "pin_mode" "TerminalPinMode" NOT NULL DEFAULT 'NONE',
    "pin_block_format" TEXT,
    "pin_key_ref" TEXT,
    "dukpt_initial_id" TEXT,
    "mac_required" BOOLEAN NOT NULL DEFAULT false,
    "mac_key_ref" TEXT,
    "profile" TEXT NOT NULL DEFAULT 'iso87-ascii',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "terminals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "partner_clients" (
    "id" UUID NOT NULL,
    "client_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "all_issuers" BOOLEAN NOT NULL DEFAULT false,
    "status" "RecordStatus" NOT NULL DEFAULT 'ACTIVE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotated_at" TIMESTAMPTZ(3),

    CONSTRAINT "partner_clients_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "partner_client_issuers" (
    "partner_client_id" UUID NOT NULL,
    "issuer_id" UUID NOT NULL,

    CONSTRAINT "partner_client_issuers_pkey" PRIMARY KEY ("partner_client_id","issuer_id")
);

-- CreateTable
CREATE TABLE "operators" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "OperatorRole" NOT NULL,
    "failed_logins" INTEGER NOT NULL DEFAULT 0,
    "locked_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operators_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "keys" (
    "id" UUID NOT NULL,
    "ref" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "usage" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL,
    "encrypted_value" TEXT NOT NULL,
    "kcv" TEXT NOT NULL,
    "status" "KeyStatus" NOT NULL DEFAULT 'ACTIVE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "channel" TEXT NOT NULL,
    "requester" TEXT NOT NULL,
    "card_masked" TEXT,
    "card_last4" CHAR(4),
    "issuer_code" TEXT,
    "outcome" TEXT NOT NULL,
    "latency_micros" INTEGER NOT NULL,
    "correlation_id" TEXT NOT NULL,
    "detail" JSONB,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "client_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "body" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("client_id","key")
);

-- CreateIndex
CREATE UNIQUE INDEX "issuers_code_key" ON "issuers"("code");

-- CreateIndex
CREATE INDEX "bin_ranges_issuer_id_idx" ON "bin_ranges"("issuer_id");

-- CreateIndex
CREATE UNIQUE INDEX "bin_ranges_low_high_key" ON "bin_ranges"("low", "high");

-- CreateIndex
CREATE UNIQUE INDEX "phone_numbers_e164_key" ON "phone_numbers"("e164");

-- CreateIndex
CREATE INDEX "phone_numbers_cardholder_id_idx" ON "phone_numbers"("cardholder_id");

-- CreateIndex
CREATE UNIQUE INDEX "cards_pan_hash_key" ON "cards"("pan_hash");

-- CreateIndex
CREATE INDEX "cards_issuer_id_last4_idx" ON "cards"("issuer_id", "last4");

-- CreateIndex
CREATE INDEX "cards_cardholder_id_idx" ON "cards"("cardholder_id");

-- CreateIndex
CREATE UNIQUE INDEX "accounts_reference_key" ON "accounts"("reference");

-- CreateIndex
CREATE INDEX "card_accounts_account_id_idx" ON "card_accounts"("account_id");

-- CreateIndex
CREATE INDEX "transactions_account_id_posted_at_id_idx" ON "transactions"("account_id", "posted_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "terminals_tid_key" ON "terminals"("tid");

-- CreateIndex
CREATE UNIQUE INDEX "partner_clients_client_id_key" ON "partner_clients"("client_id");

-- CreateIndex
CREATE UNIQUE INDEX "operators_username_key" ON "operators"("username");

-- CreateIndex
CREATE UNIQUE INDEX "keys_ref_key" ON "keys"("ref");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");

-- CreateIndex
CREATE INDEX "audit_events_issuer_code_card_last4_at_idx" ON "audit_events"("issuer_code", "card_last4", "at");

-- CreateIndex
CREATE INDEX "audit_events_channel_at_idx" ON "audit_events"("channel", "at");

-- CreateIndex
CREATE INDEX "idempotency_records_expires_at_idx" ON "idempotency_records"("expires_at");

-- AddForeignKey
ALTER TABLE "bin_ranges" ADD CONSTRAINT "bin_ranges_issuer_id_fkey" FOREIGN KEY ("issuer_id") REFERENCES "issuers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_cardholder_id_fkey" FOREIGN KEY ("cardholder_id") REFERENCES "cardholders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cards" ADD CONSTRAINT "cards_issuer_id_fkey" FOREIGN KEY ("issuer_id") REFERENCES "issuers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cards" ADD CONSTRAINT "cards_cardholder_id_fkey" FOREIGN KEY ("cardholder_id") REFERENCES "cardholders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_issuer_id_fkey" FOREIGN KEY ("issuer_id") REFERENCES "issuers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "card_accounts" ADD CONSTRAINT "card_accounts_card_id_fkey" FOREIGN KEY ("card_id") REFERENCES "cards"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "card_accounts" ADD CONSTRAINT "card_accounts_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "partner_client_issuers" ADD CONSTRAINT "partner_client_issuers_partner_client_id_fkey" FOREIGN KEY ("partner_client_id") REFERENCES "partner_clients"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "partner_client_issuers" ADD CONSTRAINT "partner_client_issuers_issuer_id_fkey" FOREIGN KEY ("issuer_id") REFERENCES "issuers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AuditAppendOnly (hand-written: Prisma does not model triggers)
-- audit_events is an append-only log. Statement-level triggers fire even when no row matches, and
-- are the only kind TRUNCATE supports, so one trigger refuses all three operations.
CREATE FUNCTION "audit_events_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_events_append_only"
    BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_events"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
