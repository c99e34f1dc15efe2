"""check_export.py: exports read back as a user of DynamoDB's exports reads them.

Run by check_export.sh against a cluster of its own (psql reaches it through
the environment; the bucket "exports" is the directory in EXPORT_DIR).  For a
table with every type of value:

- FULL_EXPORT in DYNAMODB_JSON and ION: the layout under AWSDynamoDB/<id>/
  (_started, data/, the manifests and their .md5 files), every checksum and
  ETag, every data file gunzipped and every line parsed (ION by the small
  reader below), and the items equal, by value, to the table's;
- INCREMENTAL_EXPORT over a scripted history (updates, a delete, a new key, a
  key made and deleted within the period, a key changed twice), in
  NEW_AND_OLD_IMAGES and NEW_IMAGE: one line per key, the images as they
  were, WriteTimestampMicros the time of the key's last change.  The history
  is moved back in time (the base copy and the captured changes) so that a
  period of DynamoDB's minimum 15 minutes holds it.
"""
import base64
import decimal
import gzip
import hashlib
import json
import os
import time

from checklib import canonical, canonical_item, execute, sql, wait_for

EXPORT_DIR = os.environ["EXPORT_DIR"]
ACCOUNT = "000000000000"
REGION = "us-east-1"


def table_arn(name):
    return "arn:aws:dynamodb:%s:%s:table/%s" % (REGION, ACCOUNT, name)


def export(request):
    """start an export, wait for the job worker to finish it, its description"""
    arn = execute("ExportTableToPointInTime", request)["ExportDescription"]["ExportArn"]
    wait_for("SELECT status <> 'IN_PROGRESS' FROM dynamo.exports WHERE export_arn = '%s'" % arn, "export " + arn)
    description = execute("DescribeExport", {"ExportArn": arn})["ExportDescription"]
    if description["ExportStatus"] != "COMPLETED":
        raise SystemExit("check_export: export failed: %r" % description)
    return description


# ---------------------------------------------------------------------------
# values compared by DynamoDB's rules: sets unordered, numbers by value
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# a reader of the Ion text DynamoDB's exports hold, back to DynamoDB JSON
# ---------------------------------------------------------------------------

class IonReader:
    """the subset of Ion text in exports: structs, lists, strings, decimals,
    ints, blobs, bools, null, annotations and the version marker"""

    def __init__(self, text):
        self.text = text
        self.pos = 0

    def skip(self):
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def peek(self, s):
        self.skip()
        return self.text.startswith(s, self.pos)

    def expect(self, s):
        if not self.peek(s):
            raise ValueError("expected %r at %d: %r" % (s, self.pos, self.text[self.pos:self.pos + 40]))
        self.pos += len(s)

    def string(self):
        self.expect('"')
        out = []
        while True:
            c = self.text[self.pos]
            self.pos += 1
            if c == '"':
                return "".join(out)
            if c == "\\":
                e = self.text[self.pos]
                self.pos += 1
                if e == "x":
                    out.append(chr(int(self.text[self.pos:self.pos + 2], 16)))
                    self.pos += 2
                elif e == "u":
                    out.append(chr(int(self.text[self.pos:self.pos + 4], 16)))
                    self.pos += 4
                else:
                    out.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(e, e))
            else:
                out.append(c)

    def symbol(self):
        self.skip()
        start = self.pos
        while self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] in "_$"):
            self.pos += 1
        return self.text[start:self.pos]

    def value(self):
        """one value as a DynamoDB AttributeValue"""
        annotation = None
        if self.peek("$dynamodb_"):
            annotation = self.symbol()[len("$dynamodb_"):]
            self.expect("::")
        if self.peek("{{"):
            self.expect("{{")
            end = self.text.index("}}", self.pos)
            data = self.text[self.pos:end].strip()
            self.pos = end + 2
            return {"B": data}
        if self.peek("{"):
            return {"M": self.struct()}
        if self.peek("["):
            self.expect("[")
            elements = []
            while not self.peek("]"):
                elements.append(self.value())
                if self.peek(","):
                    self.expect(",")
            self.expect("]")
            if annotation:
                return {annotation: [list(e.values())[0] for e in elements]}
            return {"L": elements}
        if self.peek('"'):
            return {"S": self.string()}
        word = self.symbol() if not self.peek("-") else None
        if word in ("true", "false"):
            return {"BOOL": word == "true"}
        if word == "null":
            return {"NULL": True}
        if word is not None:
            self.pos -= len(word)
        return {"N": self.number()}

    def number(self):
        self.skip()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in "-+0123456789.dDeE":
            self.pos += 1
        token = self.text[start:self.pos]
        if "d" in token or "D" in token:
            coefficient, exponent = token.replace("D", "d").split("d")
            return str(decimal.Decimal(coefficient.rstrip(".") or "0").scaleb(int(exponent)))
        return str(decimal.Decimal(token.rstrip(".")))

    def struct(self):
        self.expect("{")
        fields = {}
        while not self.peek("}"):
            name = self.string() if self.peek('"') else self.symbol()
            self.expect(":")
            fields[name] = self.value()
            if self.peek(","):
                self.expect(",")
        self.expect("}")
        return fields

    def line(self):
        self.expect("$ion_1_0")
        return self.struct()


def ion_line(text):
    """a line of an ION export, as the same object a DYNAMODB_JSON line is"""
    top = IonReader(text).line()
    out = {}
    for name, value in top.items():
        m = value["M"]
        if name == "Metadata":
            out[name] = {k: v for k, v in m.items()}
        else:
            out[name] = m
    return out


# ---------------------------------------------------------------------------
# the layout, the checksums, the lines
# ---------------------------------------------------------------------------

def md5_base64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def read_export(description, incremental=False):
    """check an export's layout and checksums; its lines, parsed"""
    manifest_key = description["ExportManifest"]
    export_dir = os.path.join(EXPORT_DIR, os.path.dirname(manifest_key))
    names = set(os.listdir(export_dir))
    expected = {"_started", "manifest-files.json", "manifest-files.md5", "manifest-summary.json",
                "manifest-summary.md5"} | (set() if incremental else {"data"})
    assert names == expected, "layout %s: %s" % (export_dir, sorted(names))
    assert os.path.getsize(os.path.join(export_dir, "_started")) == 0
    for m in ("manifest-files", "manifest-summary"):
        with open(os.path.join(export_dir, m + ".json"), "rb") as f:
            data = f.read()
        with open(os.path.join(export_dir, m + ".md5")) as f:
            assert f.read().strip() == md5_base64(data), m
    with open(os.path.join(EXPORT_DIR, manifest_key)) as f:
        summary = json.load(f)
    assert summary["exportArn"] == description["ExportArn"]
    assert summary["itemCount"] == description["ItemCount"]
    assert summary["billedSizeBytes"] == description["BilledSizeBytes"]
    assert summary["outputFormat"] == description["ExportFormat"]
    assert summary["manifestFilesS3Key"] == os.path.dirname(manifest_key) + "/manifest-files.json"
    if incremental:
        assert summary["exportType"] == "INCREMENTAL_EXPORT"
        assert summary["outputView"] == description["IncrementalExportSpecification"]["ExportViewType"]
    extension = ".ion.gz" if description["ExportFormat"] == "ION" else ".json.gz"
    lines = []
    count = 0
    with open(os.path.join(export_dir, "manifest-files.json")) as f:
        entries = [json.loads(line) for line in f]
    partitions = int(sql("SELECT partition_count FROM dynamo.tables WHERE table_name = '%s'"
                         % description["TableArn"].split("/")[-1]))
    assert len(entries) == partitions, "one data file per partition"
    for entry in entries:
        key = entry["dataFileS3Key"]
        assert key.endswith(extension) and len(os.path.basename(key)) == 26 + len(extension), key
        if incremental:
            assert key.startswith(os.path.dirname(os.path.dirname(manifest_key)) + "/data/"), key
        else:
            assert key.startswith(os.path.dirname(manifest_key) + "/data/"), key
        with open(os.path.join(EXPORT_DIR, key), "rb") as f:
            data = f.read()
        assert entry["md5Checksum"] == md5_base64(data), key
        assert entry["etag"] == hashlib.md5(hashlib.md5(data).digest()).hexdigest() + "-1", key
        text = gzip.decompress(data).decode("utf-8")
        file_lines = [line for line in text.split("\n") if line]
        assert text == "" or text.endswith("\n")
        assert len(file_lines) == entry["itemCount"], key
        count += entry["itemCount"]
        for line in file_lines:
            lines.append(ion_line(line) if extension == ".ion.gz" else json.loads(line))
    assert count == description["ItemCount"]
    return lines


def table_items(name):
    rows = sql("SELECT item::text FROM dynamo_data.\"%s\"" % name)
    return sorted(canonical_item(json.loads(r)) for r in rows.split("\n") if r)


def main():
    # a table with every type
    execute("CreateTable", {"TableName": "Full", "BillingMode": "PAY_PER_REQUEST", "DynamoOptions": {"Partitions": 4},
                            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                                     {"AttributeName": "sk", "AttributeType": "N"}]})
    for i in range(200):
        execute("PutItem", {"TableName": "Full", "Item": {
            "pk": {"S": "p%d" % (i % 37)}, "sk": {"N": str(i * 7 - 300)},
            "s": {"S": 'quote " back \\ tab \t nl \n uni \u00e9\u4e2d \x01'}, "n": {"N": "-0.000123e5"},
            "big": {"N": "9.99E+125"}, "small": {"N": "1E-130"}, "int": {"N": "600"},
            "b": {"B": base64.b64encode(bytes([0, 1, 2, 255, i % 256])).decode()},
            "t": {"BOOL": i % 2 == 0}, "z": {"NULL": True},
            "ss": {"SS": ["a", "b\"c", "d%d" % i]}, "ns": {"NS": ["1", "2.5", "-3e2"]},
            "bs": {"BS": ["AQ==", "AgM="]}, "l": {"L": [{"N": "1"}, {"S": "x"}, {"L": []}, {"M": {}}]},
            "m": {"M": {"nested": {"M": {"deep": {"N": "0"}}}, "odd name": {"S": "y"}, "$sym": {"S": "z"},
                        "true": {"BOOL": False}, "": {"S": "empty name"}}}}})
    execute("UpdateContinuousBackups", {"TableName": "Full",
                                        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})
    wait_for("SELECT status = 'ENABLED' FROM dynamo.continuous_backups WHERE table_name = 'Full'", "PITR of Full")
    time.sleep(1.1)
    expected = table_items("Full")
    for fmt in ("DYNAMODB_JSON", "ION"):
        description = export({"TableArn": table_arn("Full"), "S3Bucket": "exports", "S3Prefix": "full/" + fmt,
                              "ExportFormat": fmt})
        lines = read_export(description)
        assert all(list(line) == ["Item"] for line in lines)
        got = sorted(canonical_item(line["Item"]) for line in lines)
        assert got == expected, "%s export differs from the table" % fmt
        print("check_export: FULL_EXPORT %s: %d items equal to the table's" % (fmt, len(got)))

    # a scripted history for incremental exports
    execute("CreateTable", {"TableName": "Hist", "BillingMode": "PAY_PER_REQUEST", "DynamoOptions": {"Partitions": 2},
                            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]})
    for k in ("a1", "a2", "a3", "a4"):
        execute("PutItem", {"TableName": "Hist", "Item": {"id": {"S": k}, "v": {"N": "0"}}})
    execute("UpdateContinuousBackups", {"TableName": "Hist",
                                        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})
    wait_for("SELECT status = 'ENABLED' FROM dynamo.continuous_backups WHERE table_name = 'Hist'", "PITR of Hist")
    table_id = sql("SELECT table_id FROM dynamo.tables WHERE table_name = 'Hist'")
    # the base copy and the window two hours back
    sql("UPDATE dynamo.backups SET snapshot_time = snapshot_time - interval '2 hours' WHERE table_id = '%s'" % table_id)
    sql("UPDATE dynamo.continuous_backups SET earliest_restorable_time = earliest_restorable_time - interval '2 hours'"
        " WHERE table_name = 'Hist'")
    execute("PutItem", {"TableName": "Hist", "Item": {"id": {"S": "a1"}, "v": {"N": "1"}}})       # modified
    execute("DeleteItem", {"TableName": "Hist", "Key": {"id": {"S": "a2"}}})                      # deleted
    execute("PutItem", {"TableName": "Hist", "Item": {"id": {"S": "b1"}, "v": {"N": "5"}}})       # new
    execute("PutItem", {"TableName": "Hist", "Item": {"id": {"S": "c1"}, "v": {"N": "6"}}})       # new, then gone
    execute("DeleteItem", {"TableName": "Hist", "Key": {"id": {"S": "c1"}}})
    execute("PutItem", {"TableName": "Hist", "Item": {"id": {"S": "a3"}, "v": {"N": "7"}}})       # twice
    execute("PutItem", {"TableName": "Hist", "Item": {"id": {"S": "a3"}, "v": {"N": "8"}, "w": {"S": "x"}}})
    wait_for("SELECT count(*) >= 7 FROM dynamo.pitr_changes WHERE table_id = '%s'" % table_id, "captured changes")
    sql("UPDATE dynamo.pitr_changes SET commit_time = commit_time - interval '1 hour' WHERE table_id = '%s'" % table_id)
    last_change = {}
    for row in sql("SELECT pk::text || ' ' || (extract(epoch FROM max(commit_time)) * 1000000)::bigint"
                   " FROM dynamo.pitr_changes WHERE table_id = '%s' GROUP BY pk" % table_id).split("\n"):
        key, micros = row.rsplit(" ", 1)
        last_change[json.loads(key)["S"]] = int(micros)
    window_from = float(sql("SELECT extract(epoch FROM earliest_restorable_time) + 1 FROM dynamo.continuous_backups"
                            " WHERE table_name = 'Hist'"))
    window_to = time.time() - 30 * 60

    def item(k, v, **extra):
        out = {"id": {"S": k}, "v": {"N": v}}
        out.update(extra)
        return out
    expected_lines = {
        "a1": {"Keys": {"id": {"S": "a1"}}, "NewImage": item("a1", "1"), "OldImage": item("a1", "0")},
        "a2": {"Keys": {"id": {"S": "a2"}}, "OldImage": item("a2", "0")},
        "b1": {"Keys": {"id": {"S": "b1"}}, "NewImage": item("b1", "5")},
        "a3": {"Keys": {"id": {"S": "a3"}}, "NewImage": item("a3", "8", w={"S": "x"}), "OldImage": item("a3", "0")},
    }
    for fmt in ("DYNAMODB_JSON", "ION"):
        for view in ("NEW_AND_OLD_IMAGES", "NEW_IMAGE"):
            description = export({"TableArn": table_arn("Hist"), "S3Bucket": "exports", "S3Prefix": "inc",
                                  "ExportFormat": fmt, "ExportType": "INCREMENTAL_EXPORT",
                                  "IncrementalExportSpecification": {"ExportFromTime": window_from,
                                                                     "ExportToTime": window_to,
                                                                     "ExportViewType": view}})
            lines = read_export(description, incremental=True)
            got = {}
            for line in lines:
                key = line["Keys"]["id"]["S"]
                assert key not in got, "one line per key"
                micros = line["Metadata"]["WriteTimestampMicros"]["N"]
                assert int(decimal.Decimal(micros)) == last_change[key], (key, micros, last_change[key])
                got[key] = {k: v for k, v in line.items() if k != "Metadata"}
            want = {k: {n: v for n, v in line.items() if view == "NEW_AND_OLD_IMAGES" or n != "OldImage"}
                    for k, line in expected_lines.items()}
            def sections(lines_by_key):
                return {k: {n: canonical_item(m) for n, m in v.items()} for k, v in lines_by_key.items()}
            assert sections(got) == sections(want), "%s %s: %r" % (fmt, view, got)
            assert description["BilledSizeBytes"] >= 10000000
            print("check_export: INCREMENTAL_EXPORT %s %s: %d keys as the history left them" % (fmt, view, len(got)))
    print("check_export: ok")


if __name__ == "__main__":
    main()
