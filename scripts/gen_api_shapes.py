#!/usr/bin/env python3
"""gen_api_shapes.py: C tables of DynamoDB's request shapes from its service models.

Reads the AWS service model of DynamoDB (../shared/aws-models/dynamodb-2012-08-10.json
from the repository root, or the path given as the first argument) and the model of
DynamoDB Streams next to it (dynamodbstreams-2012-08-10.json), and writes
src/api/api_shapes.h and src/api/api_shapes.c: every shape reachable from the input
shape of every operation, with its type, its members in the order DynamoDB checks
them, required flags, length/value/size bounds, pattern and enum values.  The
request validator (src/api/api_validate.c) walks requests against these tables.
The output is deterministic: the same model always gives the same bytes.

Two orders are not in the model and are computed here (see the comments of
member_check_order and enum_message_order for the evidence):
  - the order in which DynamoDB checks the members of a structure;
  - the order in which DynamoDB lists an enum's values in its messages.

Where DynamoDB's service checks differ from the public SDK model, SERVICE_OVERRIDES
says so, with the evidence.
"""
import json
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
DEFAULT_MODEL = os.path.join(ROOT, '..', 'shared', 'aws-models', 'dynamodb-2012-08-10.json')
STREAMS_MODEL = 'dynamodbstreams-2012-08-10.json'

# DynamoDB Streams is a service of its own (X-Amz-Target DynamoDBStreams_20120810.*)
# whose four operation names no DynamoDB operation shares, and whose errors name the
# same Java package (its ResourceNotFoundException's __type is
# com.amazonaws.dynamodb.v20120810#...).  Its operations join the same tables; a shape
# name both models use must describe the same shape wherever a request reaches it.
OUT_H = os.path.join(ROOT, 'src', 'api', 'api_shapes.h')
OUT_C = os.path.join(ROOT, 'src', 'api', 'api_shapes.c')

JAVA_PACKAGE = 'com.amazonaws.dynamodb.v20120810.'

# The union AttributeValue is described (its members give its Java hashCode) but
# the validator does not descend into it: the value encoder checks it.
ATTRIBUTE_VALUE = 'AttributeValue'

# Every pattern the model uses, and the matcher of api_validate.c that implements
# it.  A model with a pattern not listed here stops the generator: add a matcher.
PATTERNS = {
    '[a-zA-Z0-9_.-]+': 'API_PATTERN_NAME',
    '\\p{Print}+': 'API_PATTERN_PRINTABLE',
    '[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*': 'API_PATTERN_XML_TEXT',
    '^[^\\$]+$': 'API_PATTERN_NO_DOLLAR',
    '[,;:|\\t ]': 'API_PATTERN_CSV_DELIMITER',
    '[\\x20-\\x21\\x23-\\x2B\\x2D-\\x7E]*': 'API_PATTERN_CSV_HEADER',
    '([0-9a-f]{16})+': 'API_PATTERN_HEX_BLOCKS',
    '^[a-z0-9A-Z]+[\\.\\-\\w]*[a-z0-9A-Z]+$': 'API_PATTERN_S3_BUCKET',
    '[0-9]{12}': 'API_PATTERN_ACCOUNT_ID',
}

# DynamoDB's service checks that differ from the SDK model.
#
# TableName members typed TableArn (1..1024, no pattern, since tables may be named
# by ARN): DynamoDB still checks a table name as TableName (3..255 and the name
# pattern): "Value 'ab' at 'tableName' failed to satisfy constraint: Member must
# have length greater than or equal to 3" (CreateTable, 2026 captures), and
# DescribeTable with '' reports both the length and the pattern.  The same holds
# for the table names that key BatchGetItem's and BatchWriteItem's RequestItems:
# "Map keys must satisfy constraint: [Member must have length less than or equal
# to 255, Member must have length greater than or equal to 3, Member must satisfy
# regular expression pattern: [a-zA-Z0-9_.-]+]" (dynalite's tests, run against
# DynamoDB).  This project has no table ARNs, so an ARN fails the pattern.
#
# KeySchema: the model gives no maximum, DynamoDB answers three elements of a
# table's KeySchema with "Member must have length less than or equal to 2"
# (2026 captures).  The model's KeySchema lost its maximum of 2 when GSI keys
# grew to four HASH and four RANGE attributes (November 2025); a GSI's key
# (GlobalSecondaryIndex, CreateGlobalSecondaryIndexAction) keeps the model's
# bounds, and CreateTable answers a fifth HASH or RANGE attribute itself
# ("The KeySchema exceeds the maximum allowed number of HASH key
# attributes").  A table's key and an LSI's (a table's partition key and one
# sort key; dynalite's tests against DynamoDB give the LSI the same maximum)
# get a copy of KeySchema named TableKeySchema with the maximum of 2.
MEMBER_SHAPE_OVERRIDES = {('TableName', 'TableArn'): 'TableName'}
PARENT_MEMBER_SHAPE_OVERRIDES = {
    ('CreateTableInput', 'KeySchema'): 'TableKeySchema',
    ('LocalSecondaryIndex', 'KeySchema'): 'TableKeySchema',
    ('TableCreationParameters', 'KeySchema'): 'TableKeySchema',
}
#
# The streams model gives every Limit the shape PositiveIntegerObject (1 and up);
# the service has maximums, which its API reference states: ListStreams "The upper
# limit is 100", DescribeStream "The upper limit is 100" (shards), GetRecords "The
# upper limit is 1000" (records).  Alternator's tests, run against DynamoDB, get a
# ValidationException for ListStreams' Limit 100000.  They are checked here as the
# coral validator checks a model maximum ("Member must have value less than or
# equal to 100"), the wording its other bounds get.
PARENT_MEMBER_SHAPE_OVERRIDES.update({
    ('ListStreamsInput', 'Limit'): 'ListStreamsLimit',
    ('DescribeStreamInput', 'Limit'): 'DescribeStreamLimit',
    ('GetRecordsInput', 'Limit'): 'GetRecordsLimit',
})
SYNTHETIC_SHAPES = {
    'TableKeySchema': ('KeySchema', {'max': 2}),
    'ListStreamsLimit': ('PositiveIntegerObject', {'max': 100}),
    'DescribeStreamLimit': ('PositiveIntegerObject', {'max': 100}),
    'GetRecordsLimit': ('PositiveIntegerObject', {'max': 1000}),
}
MAP_KEY_OVERRIDES = {'BatchGetRequestMap': 'TableName', 'BatchWriteItemRequestMap': 'TableName'}
#
# Tags: DynamoDB checks a tag's key and value itself, before the model's bounds and
# required flags, with messages of its own (2026 captures, boto3 with parameter
# validation off): a 129-character or empty key -> "The Tag Key provided is invalid,
# Key: <key>", a 257-character value -> "The Tag Value provided is invalid, Value:
# <value>", a Tag without Value -> "The Tag Value provided is invalid, Value: null".
# The validator leaves them to src/catalog/catalog_tags.c.
SHAPE_BOUND_OVERRIDES = {
    'TagKeyString': {'min': None, 'max': None},
    'TagValueString': {'min': None, 'max': None},
}
OPTIONAL_MEMBER_OVERRIDES = {('Tag', 'Key'), ('Tag', 'Value')}

TYPE_ENUM = {
    'string': 'API_STRING', 'integer': 'API_INTEGER', 'long': 'API_LONG',
    'double': 'API_DOUBLE', 'float': 'API_DOUBLE', 'boolean': 'API_BOOLEAN',
    'blob': 'API_BLOB', 'timestamp': 'API_TIMESTAMP', 'list': 'API_LIST',
    'map': 'API_MAP', 'structure': 'API_STRUCTURE',
}

JAVA_SCALAR = {
    'string': 'java.lang.String', 'integer': 'java.lang.Integer', 'long': 'java.lang.Long',
    'double': 'java.lang.Double', 'float': 'java.lang.Float', 'boolean': 'java.lang.Boolean',
    'blob': 'java.nio.ByteBuffer', 'timestamp': 'java.util.Date',
}


def java_string_hash(text):
    """Java's String.hashCode over the string's UTF-16 code units."""
    h = 0
    data = text.encode('utf-16-be')
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xffffffff
    return h


def lower_first(name):
    """DynamoDB's parameter name in messages: the member name, first letter lowered."""
    return name[:1].lower() + name[1:]


def member_check_order(names):
    """
    The order in which DynamoDB checks a structure's members: the iteration order
    of a java.util.HashMap (Java 8 and later) keyed by the lowerCamelCase member
    names, filled in model order.  Buckets are (h ^ (h >>> 16)) & (capacity - 1)
    with the table grown from 16 by doubling whenever it is more than 3/4 full;
    a bucket keeps insertion order (a resize splits buckets without reordering).

    Established from DynamoDB's multi-error answers (2026 captures): attributeType
    before attributeName (AttributeDefinition), attributeName before keyType
    (KeySchemaElement), attributeName before enabled (TimeToLiveSpecification),
    writeCapacityUnits before readCapacityUnits (ProvisionedThroughput), indexName,
    keySchema, projection (GlobalSecondaryIndex): all five reproduced, while the
    model's order gets three of them wrong.  Older answers quoted by dynalite
    differ (DynamoDB then ran an older JVM, whose HashMap ordered differently).
    """
    capacity = 16
    while len(names) > capacity * 3 // 4:
        capacity *= 2

    def bucket(name):
        h = java_string_hash(lower_first(name))
        return (h ^ (h >> 16)) & (capacity - 1)
    return sorted(names, key=lambda n: (bucket(n), names.index(n)))


def enum_message_order(values):
    """
    The order in which DynamoDB lists an enum's values in "Member must satisfy
    enum value set: [...]": ascending by the low five bits of Java's
    String.hashCode (h & 31, no HashMap spreading), a later model value before an
    earlier one of the same bucket.

    The brief's hypothesis (java.util.HashSet of the values, Java 8 spreading and
    HashSet(Collection) sizing) reproduces only 2 of the known orders.  This rule
    reproduces every order quoted from DynamoDB: ReturnValue [ALL_NEW, UPDATED_OLD,
    ALL_OLD, NONE, UPDATED_NEW], Select [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES,
    ALL_PROJECTED_ATTRIBUTES], ReturnConsumedCapacity [INDEXES, TOTAL, NONE],
    ReturnValuesOnConditionCheckFailure [ALL_OLD, NONE], ComparisonOperator (13
    values, with the one same-bucket pair LT/BETWEEN listed BETWEEN first),
    ConditionalOperator [OR, AND], ProjectionType [ALL, INCLUDE, KEYS_ONLY],
    ScalarAttributeType [B, N, S], KeyType [HASH, RANGE], BillingMode [PROVISIONED,
    PAY_PER_REQUEST], ReturnItemCollectionMetrics [SIZE, NONE] (dynalite's
    validations and tests), StreamViewType [OLD_IMAGE, KEYS_ONLY,
    NEW_AND_OLD_IMAGES, NEW_IMAGE], ContributorInsightsAction [ENABLE, DISABLE],
    ContributorInsightsMode [THROTTLED_KEYS, ACCESSED_AND_THROTTLED_KEYS] (2026
    captures), AttributeAction [ADD, DELETE, PUT] (the message DynamoDB Local
    copies; the model says ADD, PUT, DELETE); it also gives Cognito's [OPTIONAL,
    OFF, ON].  Within a bucket only
    one pair is attested, which "reverse model order" and "alphabetical" both fit.
    """
    indexed = list(enumerate(values))
    return [v for i, v in sorted(indexed, key=lambda p: (java_string_hash(p[1]) & 31, -p[0]))]


def c_string(text):
    out = '"'
    for ch in text:
        if ch in '\\"':
            out += '\\' + ch
        elif 32 <= ord(ch) < 127:
            out += ch
        else:
            out += ''.join('\\%03o' % b for b in ch.encode('utf-8'))
    return out + '"'


class Generator:
    def __init__(self, model, streams_model=None):
        self.model = model
        self.shapes = dict(model['shapes'])
        self.operations = dict(model['operations'])
        if streams_model is not None:
            self.add_model(streams_model)
        for name, (base, bounds) in SYNTHETIC_SHAPES.items():
            self.shapes[name] = dict(self.shapes[base], **bounds)
        self.order = []            # shape names in emission order
        self.index = {}            # shape name -> index

    def add_model(self, other):
        """
        Add another service's operations (DynamoDB Streams) and the shapes
        their inputs reach; a shape of the same name must be the same shape.
        """
        for name, op in other['operations'].items():
            if name in self.operations:
                sys.exit('gen_api_shapes: operation %s is in both models' % name)
            self.operations[name] = op
        pending = [op['input']['shape'] for op in other['operations'].values() if 'input' in op]
        seen = set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            shape = other['shapes'][name]
            if name not in self.shapes:
                self.shapes[name] = shape
            elif self.without_docs(shape) != self.without_docs(self.shapes[name]):
                sys.exit('gen_api_shapes: shape %s differs between the models' % name)
            if shape['type'] == 'structure':
                pending.extend(m['shape'] for m in shape['members'].values())
            elif shape['type'] == 'list':
                pending.append(shape['member']['shape'])
            elif shape['type'] == 'map':
                pending.extend([shape['key']['shape'], shape['value']['shape']])

    @staticmethod
    def without_docs(value):
        if isinstance(value, dict):
            return {k: Generator.without_docs(v) for k, v in value.items() if k != 'documentation'}
        return value

    def shape(self, name):
        return self.shapes[name]

    def reach(self, name):
        """Number every shape reachable from name, depth first in model order."""
        if name in self.index:
            return
        self.index[name] = len(self.order)
        self.order.append(name)
        shape = self.shape(name)
        kind = shape['type']
        if kind == 'structure':
            for member_name, member in shape['members'].items():
                self.reach(self.member_shape(member_name, member, name))
        elif kind == 'list':
            self.reach(shape['member']['shape'])
        elif kind == 'map':
            self.reach(self.map_key_shape(name))
            self.reach(shape['value']['shape'])
        elif kind not in TYPE_ENUM:
            sys.exit('gen_api_shapes: shape %s has unsupported type %s' % (name, kind))

    def member_shape(self, member_name, member, parent):
        if (parent, member_name) in PARENT_MEMBER_SHAPE_OVERRIDES:
            return PARENT_MEMBER_SHAPE_OVERRIDES[(parent, member_name)]
        return MEMBER_SHAPE_OVERRIDES.get((member_name, member['shape']), member['shape'])

    def map_key_shape(self, name):
        return MAP_KEY_OVERRIDES.get(name, self.shape(name)['key']['shape'])

    def java_type(self, name):
        shape = self.shape(name)
        kind = shape['type']
        if kind == 'structure' or name == ATTRIBUTE_VALUE:
            return JAVA_PACKAGE + name
        if kind == 'list':
            return 'java.util.List<%s>' % self.java_type(shape['member']['shape'])
        if kind == 'map':
            return 'java.util.Map<java.lang.String, %s>' % self.java_type(shape['value']['shape'])
        return JAVA_SCALAR[kind]

    def bounds(self, name):
        shape = dict(self.shape(name))
        shape.update(SHAPE_BOUND_OVERRIDES.get(name, {}))
        return shape.get('min'), shape.get('max')

    def generate(self):
        operations = sorted(self.operations.items())
        for _, op in operations:
            if 'input' in op:
                self.reach(op['input']['shape'])

        members = []               # (name, path name, shape index, required)
        lookup = []                # member indexes, per structure sorted by name
        enums = []                 # enum value strings
        shape_rows = []
        max_members = 0
        patterns_used = set()
        for name in self.order:
            shape = self.shape(name)
            kind = shape['type']
            row = {
                'name': name,
                'type': 'API_ATTRIBUTE_VALUE' if name == ATTRIBUTE_VALUE else TYPE_ENUM[kind],
                'min': None, 'max': None, 'pattern': 'API_PATTERN_NONE', 'pattern_text': None,
                'first': 0, 'count': 0, 'lookup': 0, 'element': -1, 'key': -1, 'value': -1,
                'enum_message': None, 'java': self.java_type(name),
            }
            if name != ATTRIBUTE_VALUE:
                row['min'], row['max'] = self.bounds(name)
            if 'pattern' in shape:
                if shape['pattern'] not in PATTERNS:
                    sys.exit('gen_api_shapes: shape %s has pattern %r that api_validate.c '
                             'does not implement' % (name, shape['pattern']))
                row['pattern'] = PATTERNS[shape['pattern']]
                row['pattern_text'] = shape['pattern']
                patterns_used.add(shape['pattern'])
            if 'enum' in shape:
                ordered = enum_message_order(shape['enum'])
                row['first'] = len(enums)
                row['count'] = len(ordered)
                enums.extend(ordered)
                row['enum_message'] = '[' + ', '.join(ordered) + ']'
            if kind == 'structure':
                required = set(shape.get('required', [])) - {
                    m for (parent, m) in OPTIONAL_MEMBER_OVERRIDES if parent == name}
                names = list(shape['members'])
                ordered = member_check_order(names)
                row['first'] = len(members)
                row['count'] = len(ordered)
                max_members = max(max_members, len(ordered))
                for member_name in ordered:
                    member_shape = self.member_shape(member_name, shape['members'][member_name], name)
                    members.append((member_name, lower_first(member_name),
                                    self.index[member_shape], member_name in required,
                                    names.index(member_name)))
                row['lookup'] = len(lookup)
                by_name = sorted(range(len(ordered)), key=lambda i: ordered[i].encode())
                lookup.extend(row['first'] + i for i in by_name)
            elif kind == 'list':
                row['element'] = self.index[shape['member']['shape']]
            elif kind == 'map':
                row['key'] = self.index[self.map_key_shape(name)]
                row['value'] = self.index[shape['value']['shape']]
            shape_rows.append(row)

        ops = [(op_name, self.index[op['input']['shape']]) for op_name, op in operations if 'input' in op]
        return shape_rows, members, lookup, enums, ops, max_members, patterns_used


HEADER = '''/*-------------------------------------------------------------------------
 *
 * api_shapes.h
 *	  DynamoDB's request shapes as C tables, generated from the AWS service
 *	  model by scripts/gen_api_shapes.py; do not edit.
 *
 * Every shape reachable from the input of an operation of
 * %s:
 * its type, its bounds, its pattern and enum values, and a structure's
 * members in the order DynamoDB checks them.  The generator's comments say
 * how the check order and the enum order were established.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_API_SHAPES_H
#define DYNAMO_API_SHAPES_H

#include "postgres.h"

/* number of shapes, and the most members any structure has */
#define API_SHAPE_COUNT %d
#define API_MAX_MEMBERS %d

typedef enum ApiShapeType
{
	API_STRING,
	API_INTEGER,
	API_LONG,
	API_DOUBLE,
	API_BOOLEAN,
	API_BLOB,
	API_TIMESTAMP,
	API_LIST,
	API_MAP,
	API_STRUCTURE,
	API_ATTRIBUTE_VALUE			/* checked by the value encoder, not here */
} ApiShapeType;

/* the patterns the model uses; api_validate.c has a matcher for each */
typedef enum ApiPattern
{
	API_PATTERN_NONE,
%s
} ApiPattern;

#define API_HAS_MIN 0x01
#define API_HAS_MAX 0x02

typedef struct ApiShape
{
	const char *name;			/* the model's shape name */
	uint8		type;			/* ApiShapeType */
	uint8		bounds;			/* API_HAS_MIN, API_HAS_MAX */
	uint8		pattern;		/* ApiPattern */
	int64		min;			/* length, size or value bounds */
	int64		max;
	const char *pattern_text;	/* the pattern as DynamoDB quotes it */
	uint16		first;			/* structure: first member; enum: first value */
	uint16		count;			/* structure: members; enum: values */
	uint16		lookup;			/* structure: first entry of ApiMemberLookup */
	int16		element;		/* list: element shape */
	int16		key;			/* map: key shape */
	int16		value;			/* map: value shape */
	const char *enum_message;	/* "[A, B]": the enum in DynamoDB's order */
	const char *java_type;		/* the Java type DynamoDB's messages name */
} ApiShape;

typedef struct ApiMember
{
	const char *name;			/* JSON member name */
	uint16		namelen;
	bool		required;
	uint8		model_index;	/* position in the model's member order */
	int16		shape;
	const char *path_name;		/* the name in messages: 'tableName' */
} ApiMember;

typedef struct ApiOperation
{
	const char *name;			/* "PutItem" */
	int16		input;			/* input shape */
} ApiOperation;

extern const ApiShape ApiShapes[API_SHAPE_COUNT];
extern const ApiMember ApiMembers[];
extern const uint16 ApiMemberLookup[];	/* per structure, members by name */
extern const char *const ApiEnumValues[];
extern const ApiOperation ApiOperations[];	/* sorted by name */
extern const int ApiOperationCount;

#endif							/* DYNAMO_API_SHAPES_H */
'''


def main():
    model_path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_MODEL
    out_dir = sys.argv[2] if len(sys.argv) > 2 else None
    with open(model_path, encoding='utf-8') as f:
        model = json.load(f)
    streams_path = os.path.join(os.path.dirname(os.path.abspath(model_path)), STREAMS_MODEL)
    with open(streams_path, encoding='utf-8') as f:
        streams_model = json.load(f)
    gen = Generator(model, streams_model)
    rows, members, lookup, enums, ops, max_members, patterns_used = gen.generate()
    model_name = ' and '.join(m.get('metadata', {}).get('uid', 'the model')
                              for m in (model, streams_model))

    pattern_enum = ',\n'.join('\t%s' % PATTERNS[p] for p in sorted(PATTERNS, key=lambda p: PATTERNS[p]))
    header = HEADER % (
        model_name, len(rows), max_members, pattern_enum)

    out = []
    out.append('''/*-------------------------------------------------------------------------
 *
 * api_shapes.c
 *	  DynamoDB's request shapes as C tables, generated from the AWS service
 *	  model (%s) by scripts/gen_api_shapes.py; do not edit.
 *
 * Shapes are numbered depth first from the operations' inputs, in name
 * order of the operations.  A structure's members are listed in DynamoDB's
 * check order; ApiMemberLookup lists them again sorted by name (byte order)
 * for lookups.  Enum values are listed in the order of DynamoDB's messages.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "api/api_shapes.h"
''' % model_name)

    out.append('const ApiShape ApiShapes[API_SHAPE_COUNT] = {')
    for i, row in enumerate(rows):
        bounds = []
        if row['min'] is not None:
            bounds.append('API_HAS_MIN')
        if row['max'] is not None:
            bounds.append('API_HAS_MAX')
        out.append('\t/* %d */ {%s, %s, %s, %s, INT64CONST(%d), INT64CONST(%d), %s, %d, %d, %d, %d, %d, %d, %s, %s},' % (
            i, c_string(row['name']), row['type'], ' | '.join(bounds) or '0', row['pattern'],
            row['min'] or 0, row['max'] or 0,
            c_string(row['pattern_text']) if row['pattern_text'] is not None else 'NULL',
            row['first'], row['count'], row['lookup'], row['element'], row['key'], row['value'],
            c_string(row['enum_message']) if row['enum_message'] is not None else 'NULL',
            c_string(row['java'])))
    out.append('};\n')

    out.append('const ApiMember ApiMembers[] = {')
    for i, (name, path_name, shape_index, required, model_index) in enumerate(members):
        out.append('\t/* %d */ {%s, %d, %s, %d, %d, %s},' % (
            i, c_string(name), len(name.encode()), 'true' if required else 'false',
            model_index, shape_index, c_string(path_name)))
    out.append('};\n')

    out.append('const uint16 ApiMemberLookup[] = {')
    for i in range(0, len(lookup), 16):
        out.append('\t' + ', '.join(str(x) for x in lookup[i:i + 16]) + ',')
    out.append('};\n')

    out.append('const char *const ApiEnumValues[] = {')
    for value in enums:
        out.append('\t%s,' % c_string(value))
    out.append('};\n')

    out.append('const ApiOperation ApiOperations[] = {')
    for name, index in ops:
        out.append('\t{%s, %d},' % (c_string(name), index))
    out.append('};\n')
    out.append('const int	ApiOperationCount = lengthof(ApiOperations);')
    source = '\n'.join(out) + '\n'

    h_path, c_path = OUT_H, OUT_C
    if out_dir:
        h_path = os.path.join(out_dir, 'api_shapes.h')
        c_path = os.path.join(out_dir, 'api_shapes.c')
    with open(h_path, 'w', encoding='utf-8') as f:
        f.write(header)
    with open(c_path, 'w', encoding='utf-8') as f:
        f.write(source)


if __name__ == '__main__':
    main()
