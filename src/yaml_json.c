/*
 * yaml_json.c
 *		YAML <-> jsonb on libyaml.
 *
 * Reading: libyaml's event parser builds a small node tree in a private
 * memory context (needed for anchors, aliases and merge keys), which is then
 * turned into jsonb.  Plain scalars are typed by the YAML 1.2 core schema;
 * quoted and block scalars are strings.  Input size, nesting depth and the
 * nodes produced by alias expansion are bounded (datamesh.* GUCs); every
 * error names the line and column.
 *
 * Writing: a jsonb iterator drives libyaml's emitter.  Strings that the
 * core schema would read back as something else are quoted, so that
 * yaml_to_jsonb(jsonb_to_yaml(x)) = x for every jsonb value x.
 */
#include "postgres.h"

#include <limits.h>
#include <yaml.h>

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "nodes/pg_list.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "datamesh.h"
#include "yaml_json.h"

PG_FUNCTION_INFO_V1(yaml_to_jsonb);
PG_FUNCTION_INFO_V1(jsonb_to_yaml);

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"
#define EXPANDED_MAX (INT64_MAX / 4)

typedef enum YamlNodeKind
{
	YNODE_SCALAR,
	YNODE_SEQUENCE,
	YNODE_MAPPING
} YamlNodeKind;

/* A parsed YAML node; mappings keep keys and values alternating in items */
typedef struct YamlNode
{
	YamlNodeKind kind;
	int			line;			/* 1-based position of the node */
	int			column;
	bool		complete;		/* false while its children are being read */
	int64		expanded;		/* nodes it stands for, aliases expanded */
	int			height;			/* nesting levels below it */
	/* scalars */
	char	   *value;
	int			len;
	bool		plain;
	char	   *tag;
	/* sequences and mappings */
	struct YamlNode **items;
	int			nitems;
	int			maxitems;
} YamlNode;

/* A named anchor and the node it marks */
typedef struct YamlAnchor
{
	char	   *name;
	YamlNode   *node;
} YamlAnchor;

/* State of one yaml_to_jsonb call */
typedef struct YamlReader
{
	YamlNode  **stack;			/* open collections, innermost last */
	int			depth;
	YamlNode   *root;
	List	   *anchors;
	int64		alias_nodes;
	bool		convert_encoding;	/* server encoding is not UTF-8 */
} YamlReader;

/* Raise a YAML error at a libyaml mark (0-based line and column) */
static void
pg_attribute_noreturn()
YamlErrorAt(int sqlstate, yaml_mark_t mark, const char *what)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("invalid YAML: %s at line %d, column %d",
					what, (int) mark.line + 1, (int) mark.column + 1)));
}

/* Raise a YAML error at a node's position */
static void
pg_attribute_noreturn()
YamlNodeError(int sqlstate, YamlNode *node, const char *what)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("invalid YAML: %s at line %d, column %d",
					what, node->line, node->column)));
}

/* Is the text a YAML 1.2 core schema null? */
static bool
CoreIsNull(const char *s, int len)
{
	return len == 0 ||
		(len == 1 && s[0] == '~') ||
		(len == 4 && (strncmp(s, "null", 4) == 0 || strncmp(s, "Null", 4) == 0 ||
					  strncmp(s, "NULL", 4) == 0));
}

/* Is the text a YAML 1.2 core schema boolean?  Sets *value */
static bool
CoreIsBool(const char *s, int len, bool *value)
{
	if (len == 4 && (strncmp(s, "true", 4) == 0 || strncmp(s, "True", 4) == 0 ||
					 strncmp(s, "TRUE", 4) == 0))
	{
		*value = true;
		return true;
	}
	if (len == 5 && (strncmp(s, "false", 5) == 0 || strncmp(s, "False", 5) == 0 ||
					 strncmp(s, "FALSE", 5) == 0))
	{
		*value = false;
		return true;
	}
	return false;
}

/* Count characters of s[i..len) satisfying a class, starting at i */
static int
SpanOf(const char *s, int i, int len, const char *class)
{
	int			start = i;

	while (i < len && strchr(class, s[i]) != NULL && s[i] != '\0')
		i++;
	return i - start;
}

#define DIGITS "0123456789"
#define OCTAL_DIGITS "01234567"
#define HEX_DIGITS "0123456789abcdefABCDEF"

/* Is the text a YAML 1.2 core schema integer ([-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+)? */
static bool
CoreIsInt(const char *s, int len)
{
	int			i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x'))
		return SpanOf(s, 2, len, s[1] == 'o' ? OCTAL_DIGITS : HEX_DIGITS) == len - 2;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	return i < len && SpanOf(s, i, len, DIGITS) == len - i;
}

/* Is the text a core schema float number (not .inf/.nan)? */
static bool
CoreIsFloatNumber(const char *s, int len)
{
	int			i = 0;
	int			intdigits;
	int			fracdigits = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	intdigits = SpanOf(s, i, len, DIGITS);
	i += intdigits;
	if (i < len && s[i] == '.')
	{
		i++;
		fracdigits = SpanOf(s, i, len, DIGITS);
		i += fracdigits;
	}
	if (intdigits == 0 && fracdigits == 0)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E'))
	{
		int			expdigits;

		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		expdigits = SpanOf(s, i, len, DIGITS);
		if (expdigits == 0)
			return false;
		i += expdigits;
	}
	return i == len;
}

/* Is the text a core schema infinity or not-a-number? */
static bool
CoreIsFloatSpecial(const char *s, int len)
{
	int			i = 0;

	if (len >= 4 && (s[0] == '-' || s[0] == '+'))
		i = 1;
	if (len - i == 4 && (strncmp(s + i, ".inf", 4) == 0 || strncmp(s + i, ".Inf", 4) == 0 ||
						 strncmp(s + i, ".INF", 4) == 0))
		return true;
	return len == 4 && (strncmp(s, ".nan", 4) == 0 || strncmp(s, ".NaN", 4) == 0 ||
						strncmp(s, ".NAN", 4) == 0);
}

/* Would this string, written plain, be read back as something else? */
static bool
PlainWouldRetype(const char *s, int len)
{
	bool		dummy;

	return CoreIsNull(s, len) || CoreIsBool(s, len, &dummy) || CoreIsInt(s, len) ||
		CoreIsFloatNumber(s, len) || CoreIsFloatSpecial(s, len) ||
		(len == 2 && s[0] == '<' && s[1] == '<');
}

/* A numeric Datum from decimal text, bounding the exponent */
static Numeric
NumericFromText(YamlNode *node, const char *text)
{
	const char *e = strpbrk(text, "eE");

	if (e != NULL)
	{
		long		exponent = strtol(e + 1, NULL, 10);

		if (exponent > 1000 || exponent < -1000 || strlen(e + 1) > 6)
			YamlNodeError(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, node, "number out of range");
	}
	return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(text),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

/* Set out to the jsonb number an integer scalar stands for */
static void
IntScalarToJsonb(YamlNode *node, JsonbValue *out)
{
	const char *s = node->value;

	out->type = jbvNumeric;
	if (node->len > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x'))
	{
		uint64		value;
		char	   *end;

		errno = 0;
		value = strtoull(s + 2, &end, s[1] == 'o' ? 8 : 16);
		if (errno == ERANGE || *end != '\0')
			YamlNodeError(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, node, "integer out of range");
		out->val.numeric = NumericFromText(node, psprintf(UINT64_FORMAT, value));
	}
	else
		out->val.numeric = NumericFromText(node, s);
}

/* Set out to the jsonb value of a scalar node */
static void
ScalarToJsonb(YamlReader *reader, YamlNode *node, JsonbValue *out)
{
	const char *s = node->value;
	int			len = node->len;
	const char *tag = node->tag;
	bool		boolval;

	if (tag != NULL && strcmp(tag, "!") != 0)
	{
		const char *name;

		if (strncmp(tag, YAML_TAG_PREFIX, strlen(YAML_TAG_PREFIX)) != 0)
			YamlNodeError(ERRCODE_INVALID_TEXT_REPRESENTATION, node,
						  psprintf("unsupported tag \"%s\"", tag));
		name = tag + strlen(YAML_TAG_PREFIX);
		if (strcmp(name, "str") == 0)
			goto string;
		if (strcmp(name, "null") == 0 && CoreIsNull(s, len))
		{
			out->type = jbvNull;
			return;
		}
		if (strcmp(name, "bool") == 0 && CoreIsBool(s, len, &boolval))
		{
			out->type = jbvBool;
			out->val.boolean = boolval;
			return;
		}
		if (strcmp(name, "int") == 0 && CoreIsInt(s, len))
		{
			IntScalarToJsonb(node, out);
			return;
		}
		if (strcmp(name, "float") == 0 && (CoreIsFloatNumber(s, len) || CoreIsInt(s, len)))
		{
			out->type = jbvNumeric;
			out->val.numeric = NumericFromText(node, s);
			return;
		}
		if (strcmp(name, "null") == 0 || strcmp(name, "bool") == 0 ||
			strcmp(name, "int") == 0 || strcmp(name, "float") == 0)
			YamlNodeError(ERRCODE_INVALID_TEXT_REPRESENTATION, node,
						  psprintf("\"%s\" is not a valid !!%s", s, name));
		YamlNodeError(ERRCODE_INVALID_TEXT_REPRESENTATION, node,
					  psprintf("unsupported tag \"!!%s\"", name));
	}

	if (node->plain && tag == NULL)
	{
		if (CoreIsNull(s, len))
		{
			out->type = jbvNull;
			return;
		}
		if (CoreIsBool(s, len, &boolval))
		{
			out->type = jbvBool;
			out->val.boolean = boolval;
			return;
		}
		if (CoreIsInt(s, len))
		{
			IntScalarToJsonb(node, out);
			return;
		}
		if (CoreIsFloatNumber(s, len))
		{
			out->type = jbvNumeric;
			out->val.numeric = NumericFromText(node, s);
			return;
		}
		if (CoreIsFloatSpecial(s, len))
			YamlNodeError(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, node,
						  psprintf("\"%s\" cannot be represented in JSON", s));
	}

string:
	out->type = jbvString;
	if (reader->convert_encoding)
	{
		char	   *converted = pg_any_to_server(s, len, PG_UTF8);

		out->val.string.val = converted;
		out->val.string.len = strlen(converted);
	}
	else
	{
		out->val.string.val = node->value;
		out->val.string.len = len;
	}
}

/* Is a mapping key the merge key "<<"? */
static bool
IsMergeKey(YamlNode *key)
{
	return key->kind == YNODE_SCALAR && key->len == 2 && strcmp(key->value, "<<") == 0 &&
		(key->tag == NULL ? key->plain : strcmp(key->tag, YAML_TAG_PREFIX "merge") == 0);
}

/* Order scalar key nodes by text, then by position in the mapping */
static int
KeyOrder(const void *a, const void *b)
{
	YamlNode   *ka = *(YamlNode *const *) a;
	YamlNode   *kb = *(YamlNode *const *) b;
	int			cmp;

	if (ka->len != kb->len)
		return ka->len < kb->len ? -1 : 1;
	cmp = memcmp(ka->value, kb->value, ka->len);
	if (cmp != 0)
		return cmp;
	if (ka->line != kb->line)
		return ka->line < kb->line ? -1 : 1;
	return ka->column < kb->column ? -1 : (ka->column > kb->column ? 1 : 0);
}

/* Check a finished mapping: scalar keys, no duplicates, valid merge values */
static void
CheckMapping(YamlNode *map)
{
	int			npairs = map->nitems / 2;
	YamlNode  **keys;
	int			i;

	if (npairs == 0)
		return;
	keys = palloc(npairs * sizeof(YamlNode *));
	for (i = 0; i < npairs; i++)
	{
		YamlNode   *key = map->items[2 * i];
		YamlNode   *value = map->items[2 * i + 1];

		if (key->kind != YNODE_SCALAR)
			YamlNodeError(ERRCODE_INVALID_TEXT_REPRESENTATION, key,
						  "mapping keys must be scalars");
		if (IsMergeKey(key))
		{
			bool		ok = value->kind == YNODE_MAPPING;

			if (value->kind == YNODE_SEQUENCE)
			{
				int			j;

				ok = true;
				for (j = 0; j < value->nitems; j++)
					ok = ok && value->items[j]->kind == YNODE_MAPPING;
			}
			if (!ok)
				YamlNodeError(ERRCODE_INVALID_TEXT_REPRESENTATION, key,
							  "the value of a merge key \"<<\" must be a mapping or a list of mappings");
		}
		keys[i] = key;
	}
	qsort(keys, npairs, sizeof(YamlNode *), KeyOrder);
	for (i = 1; i < npairs; i++)
	{
		if (keys[i]->len == keys[i - 1]->len &&
			memcmp(keys[i]->value, keys[i - 1]->value, keys[i]->len) == 0)
			YamlNodeError(ERRCODE_INVALID_TEXT_REPRESENTATION, keys[i],
						  psprintf("duplicate key \"%s\"", keys[i]->value));
	}
	pfree(keys);
}

/* Append a child to a collection node */
static void
AddItem(YamlNode *parent, YamlNode *child)
{
	if (parent->nitems == parent->maxitems)
	{
		parent->maxitems = parent->maxitems == 0 ? 8 : parent->maxitems * 2;
		if (parent->items == NULL)
			parent->items = palloc(parent->maxitems * sizeof(YamlNode *));
		else
			parent->items = repalloc(parent->items, parent->maxitems * sizeof(YamlNode *));
	}
	parent->items[parent->nitems++] = child;
}

/* Place a node (new or aliased) into the open collection, or make it the root */
static void
PlaceNode(YamlReader *reader, YamlNode *node)
{
	if (reader->depth > 0)
		AddItem(reader->stack[reader->depth - 1], node);
	else
		reader->root = node;
}

/* A new node at a libyaml mark */
static YamlNode *
NewNode(YamlNodeKind kind, yaml_mark_t mark)
{
	YamlNode   *node = palloc0(sizeof(YamlNode));

	node->kind = kind;
	node->line = (int) mark.line + 1;
	node->column = (int) mark.column + 1;
	node->expanded = 1;
	return node;
}

/* Remember an anchor (a later definition of the same name wins) */
static void
DefineAnchor(YamlReader *reader, yaml_char_t *anchor, YamlNode *node)
{
	YamlAnchor *a;

	if (anchor == NULL)
		return;
	a = palloc(sizeof(YamlAnchor));
	a->name = pstrdup((char *) anchor);
	a->node = node;
	reader->anchors = lcons(a, reader->anchors);
}

/* The node an alias refers to, checking the bounds */
static YamlNode *
ResolveAlias(YamlReader *reader, yaml_event_t *event)
{
	const char *name = (const char *) event->data.alias.anchor;
	ListCell   *lc;

	foreach(lc, reader->anchors)
	{
		YamlAnchor *a = (YamlAnchor *) lfirst(lc);

		if (strcmp(a->name, name) != 0)
			continue;
		if (!a->node->complete)
			YamlErrorAt(ERRCODE_INVALID_TEXT_REPRESENTATION, event->start_mark,
						psprintf("alias \"*%s\" refers to a node that contains it", name));
		reader->alias_nodes += a->node->expanded;
		if (reader->alias_nodes > datamesh_yaml_max_alias_nodes)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("invalid YAML: aliases expand to more than %d nodes at line %d, column %d",
							datamesh_yaml_max_alias_nodes,
							(int) event->start_mark.line + 1, (int) event->start_mark.column + 1),
					 errhint("Raise \"datamesh.yaml_max_alias_nodes\" if the document is legitimate.")));
		if (reader->depth + a->node->height > datamesh_yaml_max_depth)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("invalid YAML: nesting deeper than %d levels at line %d, column %d",
							datamesh_yaml_max_depth,
							(int) event->start_mark.line + 1, (int) event->start_mark.column + 1)));
		return a->node;
	}
	YamlErrorAt(ERRCODE_INVALID_TEXT_REPRESENTATION, event->start_mark,
				psprintf("undefined alias \"*%s\"", name));
}

/* Close the innermost collection: compute its size and check it */
static void
CloseCollection(YamlReader *reader)
{
	YamlNode   *node = reader->stack[--reader->depth];
	int			i;

	for (i = 0; i < node->nitems; i++)
	{
		node->expanded = Min(node->expanded + node->items[i]->expanded, EXPANDED_MAX);
		node->height = Max(node->height, node->items[i]->height + 1);
	}
	if (node->kind == YNODE_MAPPING)
		CheckMapping(node);
	node->complete = true;
}

/* Handle one parser event; returns false at the end of the stream */
static bool
HandleEvent(YamlReader *reader, yaml_event_t *event, int *ndocuments)
{
	YamlNode   *node;

	switch (event->type)
	{
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
		case YAML_NO_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			return false;
		case YAML_DOCUMENT_START_EVENT:
			if (++(*ndocuments) > 1)
				YamlErrorAt(ERRCODE_INVALID_TEXT_REPRESENTATION, event->start_mark,
							"more than one document");
			break;
		case YAML_ALIAS_EVENT:
			PlaceNode(reader, ResolveAlias(reader, event));
			break;
		case YAML_SCALAR_EVENT:
			node = NewNode(YNODE_SCALAR, event->start_mark);
			node->len = (int) event->data.scalar.length;
			node->value = palloc(node->len + 1);
			memcpy(node->value, event->data.scalar.value, node->len);
			node->value[node->len] = '\0';
			node->plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			if (event->data.scalar.tag != NULL)
				node->tag = pstrdup((char *) event->data.scalar.tag);
			node->complete = true;
			DefineAnchor(reader, event->data.scalar.anchor, node);
			PlaceNode(reader, node);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (reader->depth >= datamesh_yaml_max_depth)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("invalid YAML: nesting deeper than %d levels at line %d, column %d",
								datamesh_yaml_max_depth,
								(int) event->start_mark.line + 1, (int) event->start_mark.column + 1),
						 errhint("Raise \"datamesh.yaml_max_depth\" if the document is legitimate.")));
			node = NewNode(event->type == YAML_MAPPING_START_EVENT ? YNODE_MAPPING : YNODE_SEQUENCE,
						   event->start_mark);
			DefineAnchor(reader, event->type == YAML_MAPPING_START_EVENT ?
						 event->data.mapping_start.anchor : event->data.sequence_start.anchor,
						 node);
			PlaceNode(reader, node);
			reader->stack[reader->depth++] = node;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			CloseCollection(reader);
			break;
	}
	return true;
}

static JsonbValue *NodeToJsonb(YamlReader *reader, YamlNode *node, JsonbParseState **state,
							   JsonbIteratorToken token);

/* Push a mapping's effective pairs: merged ones first, then its own */
static void
PushMappingPairs(YamlReader *reader, YamlNode *map, JsonbParseState **state)
{
	int			i;

	/*
	 * jsonb keeps the last of duplicate keys.  Merged mappings are pushed
	 * first, the last source first, so that earlier sources override later
	 * ones and the mapping's own keys override them all.
	 */
	for (i = 0; i < map->nitems; i += 2)
	{
		YamlNode   *value = map->items[i + 1];

		if (!IsMergeKey(map->items[i]))
			continue;
		if (value->kind == YNODE_MAPPING)
			PushMappingPairs(reader, value, state);
		else
		{
			int			j;

			for (j = value->nitems - 1; j >= 0; j--)
				PushMappingPairs(reader, value->items[j], state);
		}
	}
	for (i = 0; i < map->nitems; i += 2)
	{
		JsonbValue	key;

		if (IsMergeKey(map->items[i]))
			continue;
		key.type = jbvString;
		if (reader->convert_encoding)
		{
			key.val.string.val = pg_any_to_server(map->items[i]->value, map->items[i]->len, PG_UTF8);
			key.val.string.len = strlen(key.val.string.val);
		}
		else
		{
			key.val.string.val = map->items[i]->value;
			key.val.string.len = map->items[i]->len;
		}
		pushJsonbValue(state, WJB_KEY, &key);
		NodeToJsonb(reader, map->items[i + 1], state, WJB_VALUE);
	}
}

/* Push a node as a jsonb value, element or root; returns the finished value */
static JsonbValue *
NodeToJsonb(YamlReader *reader, YamlNode *node, JsonbParseState **state,
			JsonbIteratorToken token)
{
	JsonbValue *result = NULL;
	int			i;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	switch (node->kind)
	{
		case YNODE_SCALAR:
			{
				JsonbValue	v;

				ScalarToJsonb(reader, node, &v);
				if (token == WJB_DONE)
				{
					/* a scalar document is a raw scalar array, as jsonb stores it */
					JsonbValue	array;

					array.type = jbvArray;
					array.val.array.rawScalar = true;
					array.val.array.nElems = 1;
					pushJsonbValue(state, WJB_BEGIN_ARRAY, &array);
					pushJsonbValue(state, WJB_ELEM, &v);
					result = pushJsonbValue(state, WJB_END_ARRAY, NULL);
				}
				else
					pushJsonbValue(state, token, &v);
				break;
			}
		case YNODE_SEQUENCE:
			pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
			for (i = 0; i < node->nitems; i++)
				NodeToJsonb(reader, node->items[i], state, WJB_ELEM);
			result = pushJsonbValue(state, WJB_END_ARRAY, NULL);
			break;
		case YNODE_MAPPING:
			pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
			PushMappingPairs(reader, node, state);
			result = pushJsonbValue(state, WJB_END_OBJECT, NULL);
			break;
	}
	return result;
}

/* Parse YAML (or JSON) text into jsonb; every error names line and column */
Jsonb *
YamlToJsonb(const char *data, int len)
{
	MemoryContext callcxt = CurrentMemoryContext;
	MemoryContext treecxt;
	YamlReader	reader;
	yaml_parser_t parser;
	yaml_event_t event;
	volatile bool parser_ready = false;
	volatile bool event_ready = false;
	volatile int ndocuments = 0;
	const char *volatile input = data;
	volatile int input_len = len;
	JsonbValue *result;
	JsonbParseState *state = NULL;
	Jsonb	   *jb;

	if (len > datamesh_manifest_max_bytes)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML document of %d bytes exceeds the limit of %d bytes",
						len, datamesh_manifest_max_bytes),
				 errhint("Raise \"datamesh.manifest_max_bytes\" if the document is legitimate.")));

	memset(&reader, 0, sizeof(reader));
	reader.convert_encoding = GetDatabaseEncoding() != PG_UTF8;
	if (reader.convert_encoding)
	{
		input = pg_server_to_any(data, len, PG_UTF8);
		input_len = strlen(input);
	}

	treecxt = AllocSetContextCreate(callcxt, "datamesh YAML tree", ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(treecxt);
	reader.stack = palloc((datamesh_yaml_max_depth + 1) * sizeof(YamlNode *));

	PG_TRY();
	{
		if (!yaml_parser_initialize(&parser))
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not initialize the YAML parser")));
		parser_ready = true;
		yaml_parser_set_input_string(&parser, (const unsigned char *) input, input_len);
		yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

		for (;;)
		{
			bool		more;

			CHECK_FOR_INTERRUPTS();
			if (!yaml_parser_parse(&parser, &event))
			{
				if (parser.context != NULL)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("invalid YAML: %s at line %d, column %d",
									parser.problem, (int) parser.problem_mark.line + 1,
									(int) parser.problem_mark.column + 1),
							 errdetail("The problem was found %s, which started at line %d, column %d.",
									   parser.context, (int) parser.context_mark.line + 1,
									   (int) parser.context_mark.column + 1)));
				YamlErrorAt(ERRCODE_INVALID_TEXT_REPRESENTATION, parser.problem_mark,
							parser.problem != NULL ? parser.problem : "unreadable input");
			}
			event_ready = true;
			more = HandleEvent(&reader, &event, (int *) &ndocuments);
			yaml_event_delete(&event);
			event_ready = false;
			if (!more)
				break;
		}
	}
	PG_FINALLY();
	{
		if (event_ready)
			yaml_event_delete(&event);
		if (parser_ready)
			yaml_parser_delete(&parser);
	}
	PG_END_TRY();

	if (reader.root == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid YAML: empty document"),
				 errdetail("The input has no content, only white space or comments.")));

	result = NodeToJsonb(&reader, reader.root, &state, WJB_DONE);
	MemoryContextSwitchTo(callcxt);
	jb = JsonbValueToJsonb(result);
	MemoryContextDelete(treecxt);
	return jb;
}

/* libyaml output handler: append to a StringInfo */
static int
YamlWriteHandler(void *data, unsigned char *buffer, size_t size)
{
	appendBinaryStringInfo((StringInfo) data, (const char *) buffer, (int) size);
	return 1;
}

/* Emit one event, raising an error if libyaml refuses it */
static void
Emit(yaml_emitter_t *emitter, yaml_event_t *event)
{
	if (!yaml_emitter_emit(emitter, event))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not write YAML: %s",
						emitter->problem != NULL ? emitter->problem : "unknown problem")));
}

/* Emit a scalar; strings are quoted when plain text would change their type */
static void
EmitScalar(yaml_emitter_t *emitter, bool convert_encoding, JsonbValue *v)
{
	yaml_event_t event;
	const char *text;
	int			len;
	yaml_scalar_style_t style = YAML_PLAIN_SCALAR_STYLE;

	switch (v->type)
	{
		case jbvNull:
			text = "null";
			break;
		case jbvBool:
			text = v->val.boolean ? "true" : "false";
			break;
		case jbvNumeric:
			text = DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(v->val.numeric)));
			break;
		case jbvString:
			len = v->val.string.len;
			text = v->val.string.val;
			if (convert_encoding)
			{
				text = pg_server_to_any(text, len, PG_UTF8);
				len = strlen(text);
			}
			if (PlainWouldRetype(text, len))
				style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
			else if (memchr(text, '\n', len) != NULL)
				style = YAML_LITERAL_SCALAR_STYLE;
			else
				style = YAML_ANY_SCALAR_STYLE;
			yaml_scalar_event_initialize(&event, NULL, NULL, (yaml_char_t *) text, len,
										 style != YAML_DOUBLE_QUOTED_SCALAR_STYLE, 1, style);
			Emit(emitter, &event);
			return;
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) v->type);
	}
	yaml_scalar_event_initialize(&event, NULL, NULL, (yaml_char_t *) text, strlen(text),
								 1, 1, style);
	Emit(emitter, &event);
}

/* Write jsonb as block-style YAML (empty containers in flow style) */
char *
JsonbToYaml(Jsonb *jb)
{
	StringInfoData out;
	yaml_emitter_t emitter;
	yaml_event_t event;
	volatile bool emitter_ready = false;
	bool		convert_encoding = GetDatabaseEncoding() != PG_UTF8;

	initStringInfo(&out);
	PG_TRY();
	{
		JsonbIterator *it = JsonbIteratorInit(&jb->root);
		JsonbIteratorToken token;
		JsonbValue	v;
		bool		raw_scalar = false; /* a scalar document: no sequence */

		if (!yaml_emitter_initialize(&emitter))
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not initialize the YAML emitter")));
		emitter_ready = true;
		yaml_emitter_set_output(&emitter, YamlWriteHandler, &out);
		yaml_emitter_set_unicode(&emitter, 1);
		yaml_emitter_set_indent(&emitter, 2);
		yaml_emitter_set_width(&emitter, -1);

		yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING);
		Emit(&emitter, &event);
		yaml_document_start_event_initialize(&event, NULL, NULL, NULL, 1);
		Emit(&emitter, &event);

		while ((token = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
		{
			CHECK_FOR_INTERRUPTS();
			switch (token)
			{
				case WJB_BEGIN_ARRAY:
					if (v.val.array.rawScalar)
					{
						raw_scalar = true;
						break;
					}
					yaml_sequence_start_event_initialize(&event, NULL, NULL, 1,
														 v.val.array.nElems == 0 ?
														 YAML_FLOW_SEQUENCE_STYLE :
														 YAML_BLOCK_SEQUENCE_STYLE);
					Emit(&emitter, &event);
					break;
				case WJB_BEGIN_OBJECT:
					yaml_mapping_start_event_initialize(&event, NULL, NULL, 1,
														v.val.object.nPairs == 0 ?
														YAML_FLOW_MAPPING_STYLE :
														YAML_BLOCK_MAPPING_STYLE);
					Emit(&emitter, &event);
					break;
				case WJB_END_ARRAY:
					if (raw_scalar)
						break;
					yaml_sequence_end_event_initialize(&event);
					Emit(&emitter, &event);
					break;
				case WJB_END_OBJECT:
					yaml_mapping_end_event_initialize(&event);
					Emit(&emitter, &event);
					break;
				case WJB_KEY:
				case WJB_VALUE:
				case WJB_ELEM:
					EmitScalar(&emitter, convert_encoding, &v);
					break;
				case WJB_DONE:
					break;
			}
		}

		yaml_document_end_event_initialize(&event, 1);
		Emit(&emitter, &event);
		yaml_stream_end_event_initialize(&event);
		Emit(&emitter, &event);
		if (!yaml_emitter_flush(&emitter))
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not write YAML: %s",
							emitter.problem != NULL ? emitter.problem : "unknown problem")));
	}
	PG_FINALLY();
	{
		if (emitter_ready)
			yaml_emitter_delete(&emitter);
	}
	PG_END_TRY();

	if (convert_encoding)
		return pg_any_to_server(out.data, out.len, PG_UTF8);
	return out.data;
}

/* SQL: datamesh.yaml_to_jsonb(text) returns jsonb */
Datum
yaml_to_jsonb(PG_FUNCTION_ARGS)
{
	text	   *input = PG_GETARG_TEXT_PP(0);

	PG_RETURN_JSONB_P(YamlToJsonb(VARDATA_ANY(input), VARSIZE_ANY_EXHDR(input)));
}

/* SQL: datamesh.jsonb_to_yaml(jsonb) returns text */
Datum
jsonb_to_yaml(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(JsonbToYaml(PG_GETARG_JSONB_P(0))));
}
