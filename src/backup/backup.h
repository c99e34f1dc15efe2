/*-------------------------------------------------------------------------
 *
 * backup.h
 *	  Data protection and data movement: on-demand backups, per-table
 *	  point-in-time recovery, export and import, and the per-database
 *	  background worker that runs their jobs.
 *
 * The model is in src/sql/79_backups.sql.  A job is a row of dynamo.jobs,
 * submitted in the transaction of the request that asks for it (so a
 * request rolled back leaves none) and run after that commits by the
 * database's job worker, one job at a time, each in one transaction of its
 * own: a job's effects all commit or none do.  When a job fails, its kind's
 * failed() runs in a new transaction to record the failure where the API
 * shows it (a backup's row, an export's FailureCode, ...); the job row gets
 * the error.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_BACKUP_H
#define DYNAMO_BACKUP_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/jsonb.h"
#include "value/json_node.h"

/* a job as its handler sees it */
typedef struct BackupJob
{
	int64		job_id;
	const char *kind;
	const char *subject;
	Jsonb	   *request;
} BackupJob;

/*
 * A kind of job.  run() is called in a transaction with SPI connected and
 * a snapshot active (in READ COMMITTED, so each statement sees what has
 * committed before it); it returns the number of items it handled, and
 * raises on failure.  failed() (may be NULL) is called in a fresh
 * transaction, SPI connected, with the error's message.
 */
typedef struct BackupJobKind
{
	const char *kind;
	int64		(*run) (const BackupJob *job);
	void		(*failed) (const BackupJob *job, const char *message);
} BackupJobKind;

/* backup_jobs.c: the queue and the worker */
extern int64 backup_job_submit(const char *kind, const char *subject, Jsonb *request);
extern void backup_job_progress(int64 done, int64 estimated);
extern bool backup_poll_until(const char *sql, int nargs, Oid *types, Datum *values, int seconds);
extern void backup_define_settings(void);
extern void backup_register_worker(void);

#define BACKUP_WORKER_LOCK	INT64CONST(7567890123456791)	/* advisory lock key of a database's job worker */

/* backup_s3.c: S3 buckets mapped to directories of the server (dynamo.s3_bucket_directories) */
extern void backup_define_s3_settings(void);
extern char *backup_s3_directory(const char *bucket);

/* backup_copy.c: copies of a table's items in one snapshot */
extern int64 backup_copy_table(const char *table_name, const char *relation_name, bool wait_for_running,
							   char **base_lsn, TimestampTz *snapshot_time);
extern int64 backup_copy_items(const char *table_name, const char *relation_name, const char *from,
							   bool wait_for_running, char **base_lsn, TimestampTz *snapshot_time);
extern Jsonb *backup_table_definition(const char *table_name);
extern void backup_drop_copy(const char *relation_name);

/* backup_api.c: CreateBackup, DescribeBackup, ListBackups, DeleteBackup */
extern char *backup_table_name(const char *name_or_arn);
extern TimestampTz backup_parse_timestamp(const JsonNode *value);
extern TimestampTz backup_request_timestamp(const JsonNode *request, const char *name, bool *given);
extern Jsonb *backup_query_jsonb(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls);
extern void api_create_backup(const JsonNode *request, JsonWriter *w);
extern void api_describe_backup(const JsonNode *request, JsonWriter *w);
extern void api_list_backups(const JsonNode *request, JsonWriter *w);
extern void api_delete_backup(const JsonNode *request, JsonWriter *w);
extern int64 backup_job_run_backup(const BackupJob *job);
extern void backup_job_backup_failed(const BackupJob *job, const char *message);

/* backup_restore.c: RestoreTableFromBackup, RestoreTableToPointInTime */
extern void api_restore_table_from_backup(const JsonNode *request, JsonWriter *w);
extern void api_restore_table_to_point_in_time(const JsonNode *request, JsonWriter *w);
extern int64 backup_job_run_restore(const BackupJob *job);
extern void backup_wait_for_capture(const char *lsn);
extern void backup_create_filling_table(const JsonNode *create_request, Jsonb *restore_summary);
extern void backup_job_restore_failed(const BackupJob *job, const char *message);

/* backup_pitr.c: UpdateContinuousBackups, DescribeContinuousBackups, base copies */
extern void api_update_continuous_backups(const JsonNode *request, JsonWriter *w);
extern void api_describe_continuous_backups(const JsonNode *request, JsonWriter *w);
extern int64 backup_job_run_pitr_base(const BackupJob *job);
extern void backup_job_pitr_base_failed(const BackupJob *job, const char *message);
extern void backup_pitr_maintain(void);
extern void backup_pitr_drop_history(const char *table_name);
extern void backup_pitr_wait_enabled(const char *table_name);
extern int	dynamo_pitr_base_interval_s;

/* export_*.c: ExportTableToPointInTime, DescribeExport, ListExports */
extern void api_export_table_to_point_in_time(const JsonNode *request, JsonWriter *w);
extern void api_describe_export(const JsonNode *request, JsonWriter *w);
extern void api_list_exports(const JsonNode *request, JsonWriter *w);
extern int64 backup_job_run_export(const BackupJob *job);
extern void backup_job_export_failed(const BackupJob *job, const char *message);

/* import_*.c: ImportTable, DescribeImport, ListImports */
extern void api_import_table(const JsonNode *request, JsonWriter *w);
extern void api_describe_import(const JsonNode *request, JsonWriter *w);
extern void api_list_imports(const JsonNode *request, JsonWriter *w);
extern int64 backup_job_run_import(const BackupJob *job);
extern void backup_job_import_failed(const BackupJob *job, const char *message);

#endif							/* DYNAMO_BACKUP_H */
