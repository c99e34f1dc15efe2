/*-------------------------------------------------------------------------
 *
 * api_account.c
 *	  The account-level actions that read no table: DescribeEndpoints and
 *	  DescribeLimits.
 *
 * DescribeEndpoints names this server's own endpoint (never an AWS host:
 * an SDK with endpoint discovery on would otherwise leave for AWS), cached
 * for DynamoDB's 1440 minutes.  DescribeLimits answers DynamoDB's default
 * quotas; dynamo enforces none of them yet.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "api/api.h"
#include "http/http.h"

/* DescribeEndpoints */
void
api_describe_endpoints(const JsonNode *request, JsonWriter *w)
{
	const char *host = dynamo_http_listen_address;
	char	   *address;

	if (host == NULL || host[0] == '\0' || strcmp(host, "*") == 0 ||
		strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0)
		host = "localhost";
	address = strchr(host, ':') ? psprintf("[%s]:%d", host, dynamo_http_port) :
		psprintf("%s:%d", host, dynamo_http_port);

	json_write_object_start(w);
	json_write_key(w, "Endpoints");
	json_write_array_start(w);
	json_write_object_start(w);
	json_write_key(w, "Address");
	json_write_string(w, address);
	json_write_key(w, "CachePeriodInMinutes");
	json_write_int64(w, 1440);
	json_write_object_end(w);
	json_write_array_end(w);
	json_write_object_end(w);
}

/* DescribeLimits: DynamoDB's default account and table quotas */
void
api_describe_limits(const JsonNode *request, JsonWriter *w)
{
	json_write_object_start(w);
	json_write_key(w, "AccountMaxReadCapacityUnits");
	json_write_int64(w, 80000);
	json_write_key(w, "AccountMaxWriteCapacityUnits");
	json_write_int64(w, 80000);
	json_write_key(w, "TableMaxReadCapacityUnits");
	json_write_int64(w, 40000);
	json_write_key(w, "TableMaxWriteCapacityUnits");
	json_write_int64(w, 40000);
	json_write_object_end(w);
}
