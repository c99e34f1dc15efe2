/*-------------------------------------------------------------------------
 *
 * capacity_throttle.c
 *	  DynamoDB's answer to a throttled request: the exception, its message,
 *	  and its ThrottlingReasons; and, for a transaction, the cancellation
 *	  reason of the throttled action.
 *
 * The exception follows the limit that was reached: a table's or GSI's
 * provisioned units, a partition's ceiling and on-demand growth beyond
 * twice the previous peak are ProvisionedThroughputExceededException; the
 * OnDemandThroughput maximum is ThrottlingException; the per-table quota
 * of on-demand is RequestLimitExceeded.  The reasons travel as the error's
 * DETAIL, a JSON array of {"reason", "resource"}, which the endpoint puts
 * into the error body as DynamoDB does ("ThrottlingReasons"; ThrottlingException
 * spells it "throttlingReasons").
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"

#include "capacity/capacity.h"
#include "catalog/catalog.h"
#include "errors.h"
#include "value/value.h"

#define MESSAGE_TABLE_PROVISIONED \
	"The level of configured provisioned throughput for the table was exceeded. " \
	"Consider increasing your provisioning level with the UpdateTable API."
#define MESSAGE_INDEX_PROVISIONED \
	"The level of configured provisioned throughput for one or more global secondary indexes of the table " \
	"was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary " \
	"indexes with the UpdateTable API"
#define MESSAGE_TABLE_SCALING \
	"Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling " \
	"your table or index so please try again shortly. If exceptions persist, check if you have a hot key: " \
	"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html"
#define MESSAGE_INDEX_SCALING \
	"Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is " \
	"automatically scaling your index so please try again shortly."
#define MESSAGE_MAX_ON_DEMAND \
	"Throughput exceeds the maximum OnDemandThroughput configured on table or index"
#define MESSAGE_ACCOUNT_LIMIT \
	"Throughput exceeds the current throughput limit for your account. Please contact AWS Support at " \
	"https://aws.amazon.com/support request a limit increase"

/* the message of a throttled request */
const char *
capacity_throttle_message(const Throttle *throttle)
{
	switch (throttle->cause)
	{
		case THROTTLE_PROVISIONED:
			return throttle->index != NULL ? MESSAGE_INDEX_PROVISIONED : MESSAGE_TABLE_PROVISIONED;
		case THROTTLE_MAX_ON_DEMAND:
			return MESSAGE_MAX_ON_DEMAND;
		case THROTTLE_ACCOUNT_LIMIT:
			return MESSAGE_ACCOUNT_LIMIT;
		case THROTTLE_KEY_RANGE:
		case THROTTLE_NONE:
			break;
	}
	if (throttle->on_demand)
		return throttle->index != NULL ? MESSAGE_INDEX_SCALING : MESSAGE_TABLE_SCALING;
	return throttle->index != NULL ? MESSAGE_INDEX_PROVISIONED : MESSAGE_TABLE_PROVISIONED;
}

/*
 * The cancellation reason code of a throttled transaction action:
 * ProvisionedThroughputExceeded on a provisioned table, ThrottlingError on
 * an on-demand one.
 */
const char *
capacity_throttle_code(const Throttle *throttle)
{
	return throttle->on_demand ? "ThrottlingError" : "ProvisionedThroughputExceeded";
}

/* ThrottlingReasons: [{"reason": "TableWriteProvisionedThroughputExceeded", "resource": arn}] */
char *
capacity_throttle_reasons_json(const Throttle *throttle)
{
	StringInfoData out;
	StringInfoData arn;
	const char *limit;

	switch (throttle->cause)
	{
		case THROTTLE_PROVISIONED:
			limit = "ProvisionedThroughputExceeded";
			break;
		case THROTTLE_MAX_ON_DEMAND:
			limit = "MaxOnDemandThroughputExceeded";
			break;
		case THROTTLE_ACCOUNT_LIMIT:
			limit = "AccountLimitExceeded";
			break;
		default:
			limit = "KeyRangeThroughputExceeded";
			break;
	}
	initStringInfo(&arn);
	appendStringInfo(&arn, "arn:aws:dynamodb:%s:%s:table/%s", dynamo_region, dynamo_account_id,
					 throttle->table->table_name);
	if (throttle->index != NULL)
		appendStringInfo(&arn, "/index/%s", throttle->index->name);
	initStringInfo(&out);
	appendStringInfo(&out, "[{\"reason\":\"%s%s%s\",\"resource\":",
					 throttle->index != NULL ? "Index" : "Table",
					 throttle->kind == CAPACITY_READ ? "Read" : "Write", limit);
	dynamo_append_json_string(&out, arn.data, arn.len);
	appendStringInfoString(&out, "}]");
	return out.data;
}

/* Raise DynamoDB's exception of a throttled request. */
void
capacity_raise_throttled(const Throttle *throttle)
{
	DynamoException exception;

	switch (throttle->cause)
	{
		case THROTTLE_MAX_ON_DEMAND:
			exception = DYNAMO_EXC_THROTTLING;
			break;
		case THROTTLE_ACCOUNT_LIMIT:
			exception = DYNAMO_EXC_REQUEST_LIMIT;
			break;
		default:
			exception = DYNAMO_EXC_THROUGHPUT_EXCEEDED;
			break;
	}
	ereport(ERROR,
			(errcode(dynamo_exception_errcode(exception)),
			 errmsg_internal("%s", capacity_throttle_message(throttle)),
			 errdetail_internal("%s", capacity_throttle_reasons_json(throttle))));
}
