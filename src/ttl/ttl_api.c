/*-------------------------------------------------------------------------
 *
 * ttl_api.c
 *	  UpdateTimeToLive and DescribeTimeToLive: a table's TTL setting in
 *	  dynamo.time_to_live, and its expiry index.
 *
 * DynamoDB's rules, in DynamoDB's order (content first, then time):
 *
 *	 enabling while enabled (or enabling) on the same attribute:
 *		"TimeToLive is already enabled"
 *	 enabling, or disabling, while enabled on another attribute:
 *		"TimeToLive is active on a different AttributeName: current
 *		AttributeName is <attribute>"
 *	 disabling while disabled (or never enabled):
 *		"TimeToLive is already disabled"
 *	 any change within dynamo.ttl_change_interval (an hour, as DynamoDB
 *	 documents) of the last one:
 *		"Time to live has been modified multiple times within a fixed
 *		interval"
 *
 * all of them ValidationException.  Enabling builds the expiry index
 * (ttl_expire.c) and disabling drops it, in the request's transaction;
 * building it holds a SHARE lock on the table's partitions, so writers of
 * the table wait for the build, as they do for an LSI's.  The status is
 * ENABLING or DISABLING for dynamo.ttl_transition_time after the change
 * (dynamo.time_to_live_status in src/sql/78_ttl.sql), then ENABLED or
 * DISABLED; DescribeTimeToLive gives the AttributeName unless DISABLED,
 * as DynamoDB does.  The catalog row of the table is locked FOR UPDATE
 * first, so concurrent changes of one table are serialized and the second
 * sees the first.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "api/api.h"
#include "catalog/catalog.h"
#include "errors.h"
#include "ttl/ttl.h"

/* UpdateTimeToLive's request, parsed */
typedef struct TimeToLiveSpec
{
	const char *table_name;
	const char *attribute;
	bool		enabled;
} TimeToLiveSpec;

/* the TTL setting of a table, as stored */
typedef struct TimeToLiveState
{
	char	   *relation_name;	/* the table's relation in dynamo_data */
	bool		configured;		/* it has a row of dynamo.time_to_live */
	bool		enabled;
	char	   *attribute;
	char	   *index_name;
	bool		changed_recently;	/* within dynamo.ttl_change_interval */
	char	   *status;			/* ENABLING, ENABLED, DISABLING, DISABLED */
} TimeToLiveState;

/* Read UpdateTimeToLive's request (the validator has checked its shape). */
static void
parse_update(const JsonNode *request, TimeToLiveSpec *spec)
{
	const JsonNode *specification;
	const JsonNode *attribute;

	spec->table_name = request_string(request, "TableName", "tableName", true);
	request_table_name_check(spec->table_name, "tableName");
	specification = request_member(request, "TimeToLiveSpecification");
	if (specification == NULL)
		request_missing("timeToLiveSpecification");
	attribute = request_member(specification, "AttributeName");
	if (attribute == NULL)
		request_missing("timeToLiveSpecification.attributeName");
	spec->attribute = request_string_in(attribute);
	dynamo_check_no_nul(spec->attribute, attribute->count);
	if (request_member(specification, "Enabled") == NULL)
		request_missing("timeToLiveSpecification.enabled");
	spec->enabled = request_bool(specification, "Enabled", false);
}

/*
 * The TTL state of a table, its catalog row locked FOR UPDATE when lock is
 * set; ResourceNotFoundException when there is no such table.  Connected
 * to SPI.
 */
static void
read_state(const char *table_name, bool lock, TimeToLiveState *state)
{
	Oid			argtypes[2] = {TEXTOID, INT4OID};
	Datum		args[2] = {CStringGetTextDatum(table_name), Int32GetDatum(dynamo_ttl_change_interval_s)};
	SPITupleTable *tuptable;
	bool		isnull;
	char	   *sql;

	sql = psprintf("SELECT t.relation_name, l.table_name IS NOT NULL, coalesce(l.enabled, false),"
				   "       l.attribute_name, l.index_name,"
				   "       coalesce(l.change_time > now() - $2 * interval '1 second', false),"
				   "       CASE WHEN l.table_name IS NULL THEN 'DISABLED' ELSE dynamo.time_to_live_status(l) END"
				   "  FROM dynamo.tables t LEFT JOIN dynamo.time_to_live l USING (table_name)"
				   " WHERE t.table_name = $1%s", lock ? " FOR UPDATE OF t" : "");
	if (SPI_execute_with_args(sql, 2, argtypes, args, NULL, !lock, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading the time to live of table \"%s\" failed", table_name);
	if (SPI_processed == 0)
		catalog_raise_not_found(table_name, true);
	tuptable = SPI_tuptable;
	state->relation_name = SPI_getvalue(tuptable->vals[0], tuptable->tupdesc, 1);
	state->configured = DatumGetBool(SPI_getbinval(tuptable->vals[0], tuptable->tupdesc, 2, &isnull));
	state->enabled = DatumGetBool(SPI_getbinval(tuptable->vals[0], tuptable->tupdesc, 3, &isnull));
	state->attribute = SPI_getvalue(tuptable->vals[0], tuptable->tupdesc, 4);
	state->index_name = SPI_getvalue(tuptable->vals[0], tuptable->tupdesc, 5);
	state->changed_recently = DatumGetBool(SPI_getbinval(tuptable->vals[0], tuptable->tupdesc, 6, &isnull));
	state->status = SPI_getvalue(tuptable->vals[0], tuptable->tupdesc, 7);
}

/* DynamoDB's refusals of a change, in its order */
static void
check_change(const TimeToLiveSpec *spec, const TimeToLiveState *state)
{
	if (state->enabled && strcmp(state->attribute, spec->attribute) != 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "TimeToLive is active on a different AttributeName: current AttributeName is %s",
					 state->attribute);
	if (spec->enabled && state->enabled)
		dynamo_error(DYNAMO_EXC_VALIDATION, "TimeToLive is already enabled");
	if (!spec->enabled && !state->enabled)
		dynamo_error(DYNAMO_EXC_VALIDATION, "TimeToLive is already disabled");
	if (state->changed_recently)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Time to live has been modified multiple times within a fixed interval");
}

/* Apply a change: the expiry index built or dropped, the row written.  Connected to SPI. */
static void
apply_change(const TimeToLiveSpec *spec, const TimeToLiveState *state)
{
	Oid			argtypes[4] = {TEXTOID, TEXTOID, BOOLOID, TEXTOID};
	Datum		args[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	char	   *index_name = NULL;

	if (spec->enabled)
	{
		index_name = catalog_relation_name_for(psprintf("%s:time to live", spec->table_name));
		catalog_run_sql(ttl_index_definition(index_name, state->relation_name, spec->attribute));
	}
	else if (state->index_name != NULL)
		catalog_run_sql(psprintf("DROP INDEX IF EXISTS %s",
								 quote_qualified_identifier("dynamo_data", state->index_name)));

	args[0] = CStringGetTextDatum(spec->table_name);
	args[1] = CStringGetTextDatum(spec->attribute);
	args[2] = BoolGetDatum(spec->enabled);
	if (index_name != NULL)
		args[3] = CStringGetTextDatum(index_name);
	else
	{
		args[3] = (Datum) 0;
		nulls[3] = 'n';
	}
	if (SPI_execute_with_args("INSERT INTO dynamo.time_to_live AS l"
							  "   (table_name, attribute_name, enabled, index_name, change_time)"
							  " VALUES ($1, $2, $3, $4, now())"
							  " ON CONFLICT (table_name) DO UPDATE"
							  "   SET attribute_name = excluded.attribute_name, enabled = excluded.enabled,"
							  "       index_name = excluded.index_name, change_time = excluded.change_time",
							  4, argtypes, args, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "writing the time to live of table \"%s\" failed", spec->table_name);
	if (spec->enabled)
		ttl_start_worker();
}

/* the TimeToLiveSpecification of a request or response, as JSON text */
static void
write_specification(JsonWriter *w, const TimeToLiveSpec *spec)
{
	json_write_key(w, "TimeToLiveSpecification");
	json_write_object_start(w);
	json_write_key(w, "AttributeName");
	json_write_string(w, spec->attribute);
	json_write_key(w, "Enabled");
	json_write_bool(w, spec->enabled);
	json_write_object_end(w);
}

/* the request, as the audit log keeps it */
static Jsonb *
audit_request(const TimeToLiveSpec *spec)
{
	StringInfoData text;
	JsonWriter	w;

	initStringInfo(&text);
	json_writer_init(&w, &text);
	json_write_object_start(&w);
	json_write_key(&w, "TableName");
	json_write_string(&w, spec->table_name);
	write_specification(&w, spec);
	json_write_object_end(&w);
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text.data)));
}

/* UpdateTimeToLive */
void
api_update_time_to_live(const JsonNode *request, JsonWriter *w)
{
	TimeToLiveSpec spec;
	TimeToLiveState state;

	parse_update(request, &spec);
	SPI_connect();
	read_state(spec.table_name, true, &state);
	check_change(&spec, &state);
	apply_change(&spec, &state);
	SPI_finish();
	catalog_sync_if_distributed(spec.table_name);
	catalog_audit_record("UpdateTimeToLive", spec.table_name, audit_request(&spec), NULL);

	json_write_object_start(w);
	write_specification(w, &spec);
	json_write_object_end(w);
}

/* DescribeTimeToLive */
void
api_describe_time_to_live(const JsonNode *request, JsonWriter *w)
{
	const char *table_name = request_string(request, "TableName", "tableName", true);
	TimeToLiveState state;

	request_table_name_check(table_name, "tableName");
	SPI_connect();
	read_state(table_name, false, &state);

	json_write_object_start(w);
	json_write_key(w, "TimeToLiveDescription");
	json_write_object_start(w);
	json_write_key(w, "TimeToLiveStatus");
	json_write_string(w, state.status);
	if (strcmp(state.status, "DISABLED") != 0)
	{
		json_write_key(w, "AttributeName");
		json_write_string(w, state.attribute);
	}
	json_write_object_end(w);
	json_write_object_end(w);
	SPI_finish();
}
