/*-------------------------------------------------------------------------
 *
 * errors.h
 *	  The DynamoDB error model: every DynamoDB exception, its SQLSTATE, its
 *	  HTTP status and its wire type, in one table.
 *
 * Every layer raises DynamoDB errors with dynamo_error(), which reports the
 * exception's own SQLSTATE and DynamoDB's own message text as errmsg.  The
 * SQLSTATEs form one class, "YD" (implementation-defined classes start with
 * I-Z); the API layer maps a caught SQLSTATE back to the exception name and
 * its "__type" for DynamoDB's JSON error shape.
 *
 * To add an exception, add one line to DYNAMO_EXCEPTION_LIST; the enum, the
 * lookup table and the SQL view dynamo.exceptions follow from it.  SQLSTATEs
 * are never reused or renumbered: clients may match on them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_ERRORS_H
#define DYNAMO_ERRORS_H

#include "postgres.h"

/* wire type prefixes, as DynamoDB sends them in "__type" */
#define DYNAMO_TYPE_DYNAMODB	"com.amazonaws.dynamodb.v20120810#"
#define DYNAMO_TYPE_CORAL		"com.amazon.coral.service#"
#define DYNAMO_TYPE_VALIDATE	"com.amazon.coral.validate#"
#define DYNAMO_TYPE_AVAILABILITY "com.amazon.coral.availability#"

/*
 * X(symbol, exception name, SQLSTATE, HTTP status, wire type prefix)
 */
#define DYNAMO_EXCEPTION_LIST(X) \
	X(VALIDATION,			"ValidationException",						"YD001", 400, DYNAMO_TYPE_VALIDATE) \
	X(SERIALIZATION,		"SerializationException",					"YD002", 400, DYNAMO_TYPE_CORAL) \
	X(CONDITIONAL_CHECK,	"ConditionalCheckFailedException",			"YD003", 400, DYNAMO_TYPE_DYNAMODB) \
	X(RESOURCE_NOT_FOUND,	"ResourceNotFoundException",				"YD004", 400, DYNAMO_TYPE_DYNAMODB) \
	X(RESOURCE_IN_USE,		"ResourceInUseException",					"YD005", 400, DYNAMO_TYPE_DYNAMODB) \
	X(THROUGHPUT_EXCEEDED,	"ProvisionedThroughputExceededException",	"YD006", 400, DYNAMO_TYPE_DYNAMODB) \
	X(REQUEST_LIMIT,		"RequestLimitExceeded",						"YD007", 400, DYNAMO_TYPE_DYNAMODB) \
	X(THROTTLING,			"ThrottlingException",						"YD008", 400, DYNAMO_TYPE_AVAILABILITY) \
	X(LIMIT_EXCEEDED,		"LimitExceededException",					"YD009", 400, DYNAMO_TYPE_DYNAMODB) \
	X(TRANSACTION_CANCELED,	"TransactionCanceledException",				"YD010", 400, DYNAMO_TYPE_DYNAMODB) \
	X(TRANSACTION_CONFLICT,	"TransactionConflictException",				"YD011", 400, DYNAMO_TYPE_DYNAMODB) \
	X(TRANSACTION_IN_PROGRESS, "TransactionInProgressException",		"YD012", 400, DYNAMO_TYPE_DYNAMODB) \
	X(IDEMPOTENT_MISMATCH,	"IdempotentParameterMismatchException",		"YD013", 400, DYNAMO_TYPE_DYNAMODB) \
	X(ITEM_COLLECTION_SIZE,	"ItemCollectionSizeLimitExceededException",	"YD014", 400, DYNAMO_TYPE_DYNAMODB) \
	X(ACCESS_DENIED,		"AccessDeniedException",					"YD015", 400, DYNAMO_TYPE_CORAL) \
	X(UNRECOGNIZED_CLIENT,	"UnrecognizedClientException",				"YD016", 400, DYNAMO_TYPE_CORAL) \
	X(INVALID_SIGNATURE,	"InvalidSignatureException",				"YD017", 400, DYNAMO_TYPE_CORAL) \
	X(MISSING_AUTH_TOKEN,	"MissingAuthenticationTokenException",		"YD018", 400, DYNAMO_TYPE_CORAL) \
	X(INCOMPLETE_SIGNATURE,	"IncompleteSignatureException",				"YD019", 400, DYNAMO_TYPE_CORAL) \
	X(UNKNOWN_OPERATION,	"UnknownOperationException",				"YD020", 400, DYNAMO_TYPE_CORAL) \
	X(EXPIRED_ITERATOR,		"ExpiredIteratorException",					"YD021", 400, DYNAMO_TYPE_DYNAMODB) \
	X(TRIMMED_DATA_ACCESS,	"TrimmedDataAccessException",				"YD022", 400, DYNAMO_TYPE_DYNAMODB) \
	X(TABLE_NOT_FOUND,		"TableNotFoundException",					"YD023", 400, DYNAMO_TYPE_DYNAMODB) \
	X(TABLE_ALREADY_EXISTS,	"TableAlreadyExistsException",				"YD024", 400, DYNAMO_TYPE_DYNAMODB) \
	X(TABLE_IN_USE,			"TableInUseException",						"YD025", 400, DYNAMO_TYPE_DYNAMODB) \
	X(INDEX_NOT_FOUND,		"IndexNotFoundException",					"YD026", 400, DYNAMO_TYPE_DYNAMODB) \
	X(BACKUP_NOT_FOUND,		"BackupNotFoundException",					"YD027", 400, DYNAMO_TYPE_DYNAMODB) \
	X(BACKUP_IN_USE,		"BackupInUseException",						"YD028", 400, DYNAMO_TYPE_DYNAMODB) \
	X(CONTINUOUS_BACKUPS_UNAVAILABLE, "ContinuousBackupsUnavailableException", "YD029", 400, DYNAMO_TYPE_DYNAMODB) \
	X(PITR_UNAVAILABLE,		"PointInTimeRecoveryUnavailableException",	"YD030", 400, DYNAMO_TYPE_DYNAMODB) \
	X(INVALID_RESTORE_TIME,	"InvalidRestoreTimeException",				"YD031", 400, DYNAMO_TYPE_DYNAMODB) \
	X(DUPLICATE_ITEM,		"DuplicateItemException",					"YD032", 400, DYNAMO_TYPE_DYNAMODB) \
	X(POLICY_NOT_FOUND,		"PolicyNotFoundException",					"YD033", 400, DYNAMO_TYPE_DYNAMODB) \
	X(REQUEST_TOO_LARGE,	"RequestEntityTooLargeException",			"YD034", 413, DYNAMO_TYPE_CORAL) \
	X(IMPORT_NOT_FOUND,		"ImportNotFoundException",					"YD040", 400, DYNAMO_TYPE_DYNAMODB) \
	X(IMPORT_CONFLICT,		"ImportConflictException",					"YD041", 400, DYNAMO_TYPE_DYNAMODB) \
	X(EXPORT_NOT_FOUND,		"ExportNotFoundException",					"YD042", 400, DYNAMO_TYPE_DYNAMODB) \
	X(EXPORT_CONFLICT,		"ExportConflictException",					"YD043", 400, DYNAMO_TYPE_DYNAMODB) \
	X(INVALID_EXPORT_TIME,	"InvalidExportTimeException",				"YD044", 400, DYNAMO_TYPE_DYNAMODB) \
	X(INTERNAL_SERVER_ERROR, "InternalServerError",						"YD500", 500, DYNAMO_TYPE_DYNAMODB) \
	X(INTERNAL_FAILURE,		"InternalFailure",							"YD501", 500, DYNAMO_TYPE_CORAL) \
	X(SERVICE_UNAVAILABLE,	"ServiceUnavailable",						"YD503", 503, DYNAMO_TYPE_CORAL)

typedef enum DynamoException
{
#define DYNAMO_EXCEPTION_ENUM(sym, name, state, status, prefix) DYNAMO_EXC_##sym,
	DYNAMO_EXCEPTION_LIST(DYNAMO_EXCEPTION_ENUM)
#undef DYNAMO_EXCEPTION_ENUM
	DYNAMO_EXCEPTION_COUNT
} DynamoException;

typedef struct DynamoExceptionInfo
{
	const char *name;			/* "ValidationException" */
	const char *sqlstate;		/* "YD001" */
	int			http_status;	/* 400 */
	const char *type_prefix;	/* "com.amazon.coral.validate#" */
} DynamoExceptionInfo;

/* errors.c */
extern const DynamoExceptionInfo DynamoExceptions[DYNAMO_EXCEPTION_COUNT];
extern int	dynamo_exception_errcode(DynamoException exception);
extern const DynamoExceptionInfo *dynamo_exception_by_errcode(int sqlerrcode);
extern bool dynamo_errcode_is_throttling(int sqlerrcode);
extern bool dynamo_errcode_is_item_held(int sqlerrcode);
extern void dynamo_error_resolve_cancel(ErrorData *error);

/*
 * dynamo_error: raise a DynamoDB exception with DynamoDB's own message.
 * The message is not translated: it is DynamoDB's wire text.
 */
#define dynamo_error(exception, ...) \
	ereport(ERROR, \
			(errcode(dynamo_exception_errcode(exception)), \
			 errmsg_internal(__VA_ARGS__)))

#endif							/* DYNAMO_ERRORS_H */
