"""check_roundtrip.py: export a table, import the export, and find the same table.

Run by check_roundtrip.sh against a cluster of its own (psql reaches it through
the environment; the bucket "roundtrip" is the directory in BUCKET_DIR).  A
table with a GSI and every type of value (S, N with 38 digits and the smallest
and largest exponents, B, BOOL, NULL, M, L, SS, NS, BS, nesting, unicode,
empty strings and binaries outside the keys) is exported with
ExportTableToPointInTime (point-in-time recovery on) in DYNAMODB_JSON and in
ION; each export's data/ folder, as DynamoDB writes it (gzipped objects), is
imported with ImportTable into a new table of the same key schema and GSI.
The imported table must hold the same items, by value, and its GSI the same
entries as the source's.
"""
import base64
import json
import os
import time

from checklib import canonical, canonical_item, execute, sql, wait_for

BUCKET = "roundtrip"
BUCKET_DIR = os.environ["BUCKET_DIR"]
TABLE_ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/"


def schema(name):
    return {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "sk", "AttributeType": "N"},
                                     {"AttributeName": "g", "AttributeType": "S"},
                                     {"AttributeName": "gn", "AttributeType": "B"}],
            "GlobalSecondaryIndexes": [
                {"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                   {"AttributeName": "sk", "KeyType": "RANGE"}],
                 "Projection": {"ProjectionType": "ALL"}},
                {"IndexName": "byGn", "KeySchema": [{"AttributeName": "gn", "KeyType": "HASH"}],
                 "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["s", "m"]}}]}


def source_items():
    items = []
    for i in range(300):
        item = {
            "pk": {"S": "p%d \u00e9\u4e2d\U0001F991" % (i % 23)}, "sk": {"N": str(i * 7 - 1000) + ".25"},
            "s": {"S": 'quote " back \\ tab \t nl \n uni \u00e9\u4e2d\U0001F991 ctl \x01'}, "e": {"S": ""},
            "n38": {"N": "-1234567890123456789012345678901234567.8"}, "huge": {"N": "9.9999999999999999999999999999999999999E+125"},
            "tiny": {"N": "1E-130"}, "zero": {"N": "0"}, "int": {"N": str(i)},
            "b": {"B": base64.b64encode(bytes([0, 1, 2, 255, i % 256])).decode()}, "eb": {"B": ""},
            "t": {"BOOL": i % 2 == 0}, "z": {"NULL": True},
            "ss": {"SS": ["a", 'b"c', "d%d" % i, "\u00e9"]}, "ns": {"NS": ["1", "2.5", "-3e2", "1E+100"]},
            "bs": {"BS": ["AQ==", "AgM=", base64.b64encode(bytes([i % 256, 7])).decode()]},
            "l": {"L": [{"N": "1"}, {"S": ""}, {"L": []}, {"M": {}}, {"NULL": True}, {"BOOL": False},
                        {"L": [{"SS": ["x"]}, {"B": "AA=="}]}]},
            "m": {"M": {"nested": {"M": {"deep": {"M": {"deeper": {"L": [{"N": "-0.5"}]}}}}},
                        "odd name": {"S": "y"}, "$sym": {"S": "z"}, "true": {"BOOL": False}, "": {"S": "empty name"},
                        "empty": {"S": ""}}},
        }
        if i % 3 != 0:
            item["g"] = {"S": "group %d" % (i % 5)}
        if i % 4 == 0:
            item["gn"] = {"B": base64.b64encode(bytes([i % 3])).decode()}
        items.append(item)
    return items


def table_items(name):
    rows = sql("SELECT item::text FROM dynamo_data.\"%s\"" % name)
    return sorted(canonical_item(json.loads(r)) for r in rows.split("\n") if r)


def index_entries(table, index):
    """every entry of a GSI, through Scan"""
    entries, start = [], None
    while True:
        request = {"TableName": table, "IndexName": index}
        if start:
            request["ExclusiveStartKey"] = start
        page = execute("Scan", request)
        entries += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return sorted(canonical_item(i) for i in entries)


def export(fmt):
    arn = execute("ExportTableToPointInTime", {"TableArn": TABLE_ARN + "RoundTrip", "S3Bucket": BUCKET,
                                               "S3Prefix": "exports/" + fmt, "ExportFormat": fmt})["ExportDescription"]["ExportArn"]
    wait_for("SELECT status <> 'IN_PROGRESS' FROM dynamo.exports WHERE export_arn = '%s'" % arn, "export " + arn, 120)
    description = execute("DescribeExport", {"ExportArn": arn})["ExportDescription"]
    if description["ExportStatus"] != "COMPLETED":
        raise SystemExit("check_roundtrip: export failed: %r" % description)
    return description


def import_export(description, table):
    """ImportTable from the export's data/ folder; the import's description once it ended"""
    data_prefix = os.path.dirname(description["ExportManifest"]) + "/data/"
    if not os.listdir(os.path.join(BUCKET_DIR, data_prefix)):
        raise SystemExit("check_roundtrip: the export wrote no data file under " + data_prefix)
    arn = execute("ImportTable", {"S3BucketSource": {"S3Bucket": BUCKET, "S3KeyPrefix": data_prefix},
                                  "InputFormat": description["ExportFormat"], "InputCompressionType": "GZIP",
                                  "TableCreationParameters": schema(table)})["ImportTableDescription"]["ImportArn"]
    wait_for("SELECT status <> 'IN_PROGRESS' FROM dynamo.imports WHERE import_arn = '%s'" % arn, "import " + arn, 120)
    return execute("DescribeImport", {"ImportArn": arn})["ImportTableDescription"]


def main():
    execute("CreateTable", dict(schema("RoundTrip"), DynamoOptions={"Partitions": 4}))
    items = source_items()
    for item in items:
        execute("PutItem", {"TableName": "RoundTrip", "Item": item})
    execute("UpdateContinuousBackups", {"TableName": "RoundTrip",
                                        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})
    wait_for("SELECT status = 'ENABLED' FROM dynamo.continuous_backups WHERE table_name = 'RoundTrip'", "PITR")
    time.sleep(1.1)
    expected = table_items("RoundTrip")
    assert expected == sorted(canonical_item(i) for i in items), "the source table holds other items than were put"
    expected_indexes = {index: index_entries("RoundTrip", index) for index in ("byG", "byGn")}
    assert len(expected_indexes["byG"]) == 200 and len(expected_indexes["byGn"]) == 75, \
        {k: len(v) for k, v in expected_indexes.items()}

    for fmt in ("DYNAMODB_JSON", "ION"):
        exported = export(fmt)
        assert exported["ItemCount"] == len(items), exported
        table = "RoundTrip" + fmt.split("_")[-1].capitalize()
        imported = import_export(exported, table)
        assert imported["ImportStatus"] == "COMPLETED", imported
        assert (imported["ProcessedItemCount"], imported["ImportedItemCount"], imported["ErrorCount"]) == \
            (len(items), len(items), 0), imported
        status = execute("DescribeTable", {"TableName": table})["Table"]
        assert status["TableStatus"] == "ACTIVE", status
        got = table_items(table)
        assert got == expected, "%s: the imported table differs from the exported one (%d items against %d)" \
            % (fmt, len(got), len(expected))
        for index, entries in expected_indexes.items():
            assert index_entries(table, index) == entries, "%s: GSI %s differs" % (fmt, index)
        print("check_roundtrip: %s export imported back: %d items and %s GSI entries equal to the source's"
              % (fmt, len(got), "+".join(str(len(e)) for e in expected_indexes.values())))


if __name__ == "__main__":
    main()
