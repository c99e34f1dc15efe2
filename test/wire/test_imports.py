"""test_imports.py: ImportTable, DescribeImport and ListImports through the wire endpoint, with boto3 and the AWS CLI.

As an application migrating data meets them: S3 objects written into the
directory that dynamo.s3_bucket_directories maps a bucket to (set here with
ALTER SYSTEM through psql as the superuser, and reset at the end), an import
of gzipped DYNAMODB_JSON into a table with a GSI followed with DescribeImport
until it is COMPLETED, the table ACTIVE with exactly the items and the GSI
answering queries; a CSV import started by `aws dynamodb import-table`;
ListImports a page at a time and by TableArn; ClientToken replays; and every
error through the wire: ImportNotFoundException, ImportConflictException,
ResourceInUseException, the ValidationException shapes (the service model's
constraints, "Invalid Import ARN", the CSV options of another format, an
unreadable NextToken), and a missing bucket failing the import with
S3NoSuchBucket and no table left.

Environment: DYNAMO_ENDPOINT, DYNAMO_KEY_ID, DYNAMO_SECRET, as test_wire.py,
and psql reaching the cluster as a superuser (pg_virtualenv's environment).
Run with Debian's python3 (python3-boto3) and awscli.
"""
import base64
import decimal
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from botocore.exceptions import ClientError

sys.dont_write_bytecode = True
from test_wire import ENDPOINT, KEY_ID, SECRET, client   # noqa: E402

BUCKET = "wire-imports"
PREFIX = "WireImp"          # every table of this test
ARN_PREFIX = "arn:aws:dynamodb:us-east-1:000000000000:table/"
UNKNOWN_IMPORT = ARN_PREFIX + "WireImpJson/import/01658528578619-0badf00d"


def psql(query):
    run = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", query],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError("psql: %s\n%s" % (query, run.stderr))
    return run.stdout.strip()


def json_lines(items):
    return "".join(json.dumps({"Item": item}) + "\n" for item in items).encode()


# the items of the DYNAMODB_JSON import: every type, a GSI key on some
ITEMS = [
    {"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "grp"}, "s": {"S": "h\u00e9llo \U0001F991"}, "e": {"S": ""}},
    {"pk": {"S": "a"}, "sk": {"N": "2"}, "g": {"S": "grp"}, "n": {"N": "12345678901234567890123456789012345678"},
     "tiny": {"N": "1E-130"}, "huge": {"N": "9.9E+125"}},
    {"pk": {"S": "b"}, "sk": {"N": "1"}, "b": {"B": "AAEC/w=="}, "t": {"BOOL": True}, "z": {"NULL": True}},
    {"pk": {"S": "c"}, "sk": {"N": "-3.5"}, "g": {"S": "other"},
     "m": {"M": {"l": {"L": [{"S": "x"}, {"N": "1"}, {"M": {}}]}, "ss": {"SS": ["p", "q"]}}},
     "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": ["AA==", "/w=="]}},
]


def key_schema(name, gsi=True):
    params = {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
              "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
              "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                       {"AttributeName": "sk", "AttributeType": "N"}]}
    if gsi:
        params["AttributeDefinitions"].append({"AttributeName": "g", "AttributeType": "S"})
        params["GlobalSecondaryIndexes"] = [{"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                             "Projection": {"ProjectionType": "ALL"}}]
    return params


def canonical(value):
    """a value comparable by DynamoDB's rules: sets unordered, numbers by value"""
    (kind, v), = value.items()
    if kind == "B" and isinstance(v, bytes):     # boto3 decodes binary
        return (kind, base64.b64encode(v).decode())
    if kind == "BS":
        return (kind, frozenset(base64.b64encode(x).decode() if isinstance(x, bytes) else x for x in v))
    if kind == "N":
        return (kind, decimal.Decimal(v).normalize())
    if kind == "NS":
        return (kind, frozenset(decimal.Decimal(x).normalize() for x in v))
    if kind == "SS":
        return (kind, frozenset(v))
    if kind == "M":
        return (kind, canonical_item(v))
    if kind == "L":
        return (kind, tuple(canonical(x) for x in v))
    return (kind, v)


def canonical_item(item):
    return tuple(sorted((name, canonical(v)) for name, v in item.items()))


class Imports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        cls.directory = tempfile.mkdtemp(prefix="dynamo-wire-imports.")
        os.chmod(cls.directory, 0o755)
        cls.put("json/part-1.json.gz", gzip.compress(json_lines(ITEMS[:2])))
        cls.put("json/part-2.json.gz", gzip.compress(json_lines(ITEMS[2:])))
        cls.put("csv/data.csv", b"pk,sk,note\nx,1,first\ny,2,\"with, comma\"\n")
        cls.put("small/one.json", json_lines(ITEMS[:1]))
        psql("ALTER SYSTEM SET dynamo.s3_bucket_directories = '%s=%s'" % (BUCKET, cls.directory))
        psql("SELECT pg_reload_conf()")
        cls.drop_tables()

    @classmethod
    def tearDownClass(cls):
        cls.drop_tables()
        psql("ALTER SYSTEM RESET dynamo.s3_bucket_directories")
        psql("SELECT pg_reload_conf()")
        shutil.rmtree(cls.directory, ignore_errors=True)

    @classmethod
    def put(cls, key, data):
        path = os.path.join(cls.directory, key)
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o644)

    @classmethod
    def drop_tables(cls):
        for name in cls.ddb.list_tables()["TableNames"]:
            if name.startswith(PREFIX):
                cls.ddb.delete_table(TableName=name)

    def error(self, call, **kwargs):
        with self.assertRaises(ClientError) as raised:
            call(**kwargs)
        return raised.exception.response["Error"]["Code"], raised.exception.response["Error"]["Message"]

    def start(self, table, prefix, fmt="DYNAMODB_JSON", bucket=BUCKET, gsi=True, **extra):
        return self.ddb.import_table(S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": prefix}, InputFormat=fmt,
                                     TableCreationParameters=key_schema(table, gsi), **extra)["ImportTableDescription"]

    def wait(self, arn, seconds=60):
        """DescribeImport until the import has ended; its last description"""
        deadline = time.time() + seconds
        while True:
            description = self.ddb.describe_import(ImportArn=arn)["ImportTableDescription"]
            if description["ImportStatus"] != "IN_PROGRESS" or time.time() > deadline:
                return description
            time.sleep(0.2)

    def test_dynamodb_json_gzip_with_a_gsi(self):
        started = self.start(PREFIX + "Json", "json/", InputCompressionType="GZIP")
        self.assertEqual(started["ImportStatus"], "IN_PROGRESS")
        self.assertNotIn("EndTime", started)
        self.assertTrue(started["ImportArn"].startswith(started["TableArn"] + "/import/"))
        self.assertEqual(started["S3BucketSource"]["S3Bucket"], BUCKET)
        self.assertEqual(started["S3BucketSource"]["S3BucketOwner"], "000000000000")
        done = self.wait(started["ImportArn"])
        self.assertEqual(done["ImportStatus"], "COMPLETED", done)
        self.assertEqual((done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]), (4, 4, 0))
        self.assertEqual(done["ProcessedSizeBytes"], len(json_lines(ITEMS)))
        self.assertGreaterEqual(done["EndTime"], done["StartTime"])
        for member in ("ImportArn", "TableArn", "TableId", "ClientToken", "TableCreationParameters", "StartTime"):
            self.assertEqual(done[member], started[member], member)

        table = self.ddb.describe_table(TableName=PREFIX + "Json")["Table"]
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertEqual(table["TableId"], started["TableId"])
        self.assertEqual(table["GlobalSecondaryIndexes"][0]["IndexStatus"], "ACTIVE")
        scanned = self.ddb.scan(TableName=PREFIX + "Json")["Items"]
        self.assertEqual(sorted(canonical_item(i) for i in scanned), sorted(canonical_item(i) for i in ITEMS))
        got = self.ddb.query(TableName=PREFIX + "Json", IndexName="byG", KeyConditionExpression="g = :g",
                             ExpressionAttributeValues={":g": {"S": "grp"}})["Items"]
        self.assertEqual(sorted(i["sk"]["N"] for i in got), ["1", "2"])
        # the imported table takes writes as any other
        self.ddb.put_item(TableName=PREFIX + "Json", Item={"pk": {"S": "new"}, "sk": {"N": "0"}})

    def test_csv_through_the_aws_cli(self):
        env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET,
                   AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
        params = key_schema(PREFIX + "Csv", gsi=False)
        run = subprocess.run(["/usr/bin/aws", "--endpoint-url", ENDPOINT, "dynamodb", "import-table",
                              "--s3-bucket-source", "S3Bucket=%s,S3KeyPrefix=csv/" % BUCKET,
                              "--input-format", "CSV", "--input-format-options", '{"Csv": {"Delimiter": ","}}',
                              "--table-creation-parameters", json.dumps(params)],
                             capture_output=True, text=True, env=env)
        self.assertEqual(run.returncode, 0, run.stderr)
        arn = json.loads(run.stdout)["ImportTableDescription"]["ImportArn"]
        done = self.wait(arn)
        self.assertEqual(done["ImportStatus"], "COMPLETED", done)
        self.assertEqual(done["InputFormatOptions"], {"Csv": {"Delimiter": ","}})
        items = self.ddb.scan(TableName=PREFIX + "Csv")["Items"]
        self.assertEqual(sorted(canonical_item(i) for i in items), sorted(canonical_item(i) for i in [
            {"pk": {"S": "x"}, "sk": {"N": "1"}, "note": {"S": "first"}},
            {"pk": {"S": "y"}, "sk": {"N": "2"}, "note": {"S": "with, comma"}}]))

    def test_list_imports_paging_and_table_filter(self):
        arns = [self.start(PREFIX + "List%d" % i, "small/", gsi=False)["ImportArn"] for i in range(3)]
        for arn in arns:
            self.assertEqual(self.wait(arn)["ImportStatus"], "COMPLETED")
        listed, token, pages = [], None, 0
        while True:
            page = self.ddb.list_imports(PageSize=1, **({"NextToken": token} if token else {}))
            self.assertLessEqual(len(page["ImportSummaryList"]), 1)
            listed += page["ImportSummaryList"]
            pages += 1
            token = page.get("NextToken")
            if not token:
                break
        names = [s["ImportArn"] for s in listed]
        self.assertEqual(len(names), len(set(names)), "an import was listed twice")
        self.assertLessEqual(set(arns), set(names))
        self.assertEqual(names, sorted(names, key=lambda a: a.rsplit("/", 1)[1], reverse=True), "newest first")
        summary = next(s for s in listed if s["ImportArn"] == arns[0])
        self.assertLessEqual(set(summary), {"ImportArn", "ImportStatus", "TableArn", "S3BucketSource", "InputFormat",
                                            "StartTime", "EndTime", "CloudWatchLogGroupArn"})
        self.assertEqual(summary["ImportStatus"], "COMPLETED")
        own = self.ddb.list_imports(TableArn=ARN_PREFIX + PREFIX + "List1")["ImportSummaryList"]
        self.assertEqual([s["ImportArn"] for s in own], [arns[1]])
        self.assertEqual(self.ddb.list_imports(TableArn=ARN_PREFIX + "NoSuchTable")["ImportSummaryList"], [])

    def test_client_token(self):
        started = self.start(PREFIX + "Token", "small/", gsi=False, ClientToken="wire-token-1")
        # the same token and table while it runs: the same import, other members ignored; once it is
        # done (the job worker may be quicker than this request), the table's ResourceInUseException
        try:
            again = self.ddb.import_table(S3BucketSource={"S3Bucket": BUCKET, "S3KeyPrefix": "csv/"},
                                          InputFormat="CSV", ClientToken="wire-token-1",
                                          TableCreationParameters=key_schema(PREFIX + "Token", False))
            self.assertEqual(again["ImportTableDescription"]["ImportArn"], started["ImportArn"])
            self.assertEqual(again["ImportTableDescription"]["InputFormat"], "DYNAMODB_JSON")
        except ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "ResourceInUseException")
        # another table with the same token: ImportConflictException
        self.assertEqual(self.error(self.start, table=PREFIX + "Token2", prefix="small/", gsi=False,
                                    ClientToken="wire-token-1"),
                         ("ImportConflictException",
                          "Import conflict: Duplicate request detected with conflicting parameters"))
        self.assertEqual(self.wait(started["ImportArn"])["ImportStatus"], "COMPLETED")
        # once it is done, its table exists
        self.assertEqual(self.error(self.start, table=PREFIX + "Token", prefix="small/", gsi=False,
                                    ClientToken="wire-token-1"),
                         ("ResourceInUseException", "Table already exists: %sToken" % PREFIX))
        self.assertNotIn(PREFIX + "Token2", self.ddb.list_tables()["TableNames"])

    def test_missing_bucket_fails_and_leaves_no_table(self):
        started = self.start(PREFIX + "NoBucket", "x/", bucket="wire-no-such-bucket", gsi=False)
        done = self.wait(started["ImportArn"])
        self.assertEqual(done["ImportStatus"], "FAILED")
        self.assertEqual(done["FailureCode"], "S3NoSuchBucket")
        self.assertIn("The specified bucket does not exist", done["FailureMessage"])
        self.assertEqual(self.error(self.ddb.describe_table, TableName=PREFIX + "NoBucket")[0],
                         "ResourceNotFoundException")
        # its table never came to be: its ClientToken answers the failed import again
        again = self.ddb.import_table(S3BucketSource={"S3Bucket": BUCKET, "S3KeyPrefix": "x/"},
                                      InputFormat="DYNAMODB_JSON", ClientToken=started["ClientToken"],
                                      TableCreationParameters=key_schema(PREFIX + "NoBucket", False))
        self.assertEqual(again["ImportTableDescription"]["ImportArn"], started["ImportArn"])
        self.assertEqual(again["ImportTableDescription"]["ImportStatus"], "FAILED")

    def test_errors(self):
        # DescribeImport
        self.assertEqual(self.error(self.ddb.describe_import, ImportArn=UNKNOWN_IMPORT),
                         ("ImportNotFoundException", "Import not found: " + UNKNOWN_IMPORT))
        self.assertEqual(self.error(self.ddb.describe_import,
                                    ImportArn=ARN_PREFIX + "x/import/01658528578619-c4d4e311"),
                         ("ValidationException", "Invalid Import ARN"))
        self.assertEqual(self.error(self.ddb.describe_import, ImportArn=ARN_PREFIX + "WireImpWireImpWireImp"),
                         ("ValidationException", "Invalid Import ARN"))
        # ImportTable: the table's own rules, the format options, the service model's constraints
        self.start(PREFIX + "Exists", "small/", gsi=False)
        self.assertEqual(self.error(self.start, table=PREFIX + "Exists", prefix="small/", gsi=False),
                         ("ResourceInUseException", "Table already exists: %sExists" % PREFIX))
        self.assertEqual(self.error(self.start, table=PREFIX + "Bad", prefix="small/", gsi=False,
                                    InputFormatOptions={"Csv": {"Delimiter": ","}}),
                         ("ValidationException", "Invalid Request: Unsupported InputFormatOptions for the given "
                                                 "input format: DYNAMODB_JSON."))
        code, message = self.error(self.start, table=PREFIX + "Bad", prefix="small/", fmt="CSV", gsi=False,
                                   InputFormatOptions={"Csv": {"Delimiter": ";;"}})
        self.assertEqual(code, "ValidationException")
        self.assertTrue(message.startswith("2 validation errors detected: Value ';;' at "
                                           "'inputFormatOptions.csv.delimiter' failed to satisfy constraint"), message)
        self.assertEqual(self.error(self.start, table=PREFIX + "Bad", prefix="small/", gsi=False,
                                    ClientToken="a$b"),
                         ("ValidationException", "1 validation error detected: Value 'a$b' at 'clientToken' failed "
                                                 "to satisfy constraint: Member must satisfy regular expression "
                                                 "pattern: ^[^\\$]+$"))
        params = key_schema(PREFIX + "Bad", gsi=False)
        del params["BillingMode"]
        self.assertEqual(self.error(self.ddb.import_table, S3BucketSource={"S3Bucket": BUCKET},
                                    InputFormat="DYNAMODB_JSON", TableCreationParameters=params),
                         ("ValidationException", "One or more parameter values were invalid: ReadCapacityUnits and "
                                                 "WriteCapacityUnits must both be specified when BillingMode is "
                                                 "PROVISIONED"))
        self.assertNotIn(PREFIX + "Bad", self.ddb.list_tables()["TableNames"])
        # ListImports
        self.assertEqual(self.error(self.ddb.list_imports, PageSize=26),
                         ("ValidationException", "1 validation error detected: Value '26' at 'pageSize' failed to "
                                                 "satisfy constraint: Member must have value less than or equal "
                                                 "to 25"))
        self.assertEqual(self.error(self.ddb.list_imports, NextToken="0" * 112),
                         ("ValidationException", "Invalid NextToken"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
