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
 * libyaml reads YAML 1.1, which differs from YAML 1.2 (and so from JSON) in
 * the characters it accepts: it rejects DEL and the C1 control characters,
 * takes NEL, LS and PS for line breaks, and rejects the surrogate pair
 * escapes ("\ud83d\ude00") that JSON writers produce.  Such characters and
 * escapes are replaced before parsing by private-use characters that libyaml
 * reads as plain text, one character for one character so that lines and
 * columns stay right, and scalar values are mapped back afterwards.
 *
 * Writing: a jsonb iterator drives libyaml's emitter.  Strings that the
 * core schema would read back as something else are quoted, so that
 * yaml_to_jsonb(jsonb_to_yaml(x)) = x for every jsonb value x.
 */
#include "postgres.h"

#include <limits.h>
#include <yaml.h>

#include "common/hashfn.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "datamesh.h"
#include "yaml_json.h"

PG_FUNCTION_INFO_V1(yaml_to_jsonb);
PG_FUNCTION_INFO_V1(jsonb_to_yaml);

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"
#define EXPANDED_MAX (INT64_MAX / 4)

/*
 * Stand-ins: private-use characters of plane 16 (U+10FD00..U+10FEFF).  A
 * surrogate pair escape (12 characters) becomes "\U" and 8 hex digits, then
 * STANDIN_CASE + the letter case of its hex digits, then STANDIN_PAIR_END;
 * a raw DEL, C1, LS or PS character becomes STANDIN_CHAR + its index.
 */
#define STANDIN_CASE		0x10FD00
#define STANDIN_CHAR		0x10FE00
#define STANDIN_PAIR_END	0x10FEFF
#define STANDIN_NCHARS		35

/* numeric's limits: digits after the point, and 10^weight of the value */
#define NUMERIC_MAX_DSCALE			0x3FFF
#define NUMERIC_MAX_DECIMAL_WEIGHT	131072

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
	int			height;			/* nesting levels it spans (scalars: 0) */
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

/* A named anchor and the node it marks (hash table entry) */
typedef struct YamlAnchor
{
	char	   *name;			/* hash key */
	YamlNode   *node;
} YamlAnchor;

/* State of one yaml_to_jsonb call */
typedef struct YamlReader
{
	YamlNode  **stack;			/* open collections, innermost last */
	int			depth;
	YamlNode   *root;
	HTAB	   *anchors;		/* created at the first anchor */
	int64		alias_nodes;
	int			ndocuments;
	bool		standins;		/* the input was rewritten with stand-ins */
	bool		convert_encoding;	/* the server encoding is not UTF-8 */
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

/* Does the database encoding need converting to and from UTF-8? */
static bool
NeedsEncodingConversion(void)
{
	int			encoding = GetDatabaseEncoding();

	return encoding != PG_UTF8 && encoding != PG_SQL_ASCII;
}

/* Server-encoded text as UTF-8; *outlen is its length */
static const char *
ServerToUtf8(const char *s, int len, int *outlen)
{
	const char *result = pg_server_to_any(s, len, PG_UTF8);

	*outlen = (result == s) ? len : (int) strlen(result);
	return result;
}

/* UTF-8 text as server-encoded; *outlen is its length */
static char *
Utf8ToServer(const char *s, int len, int *outlen)
{
	char	   *result = pg_any_to_server(s, len, PG_UTF8);

	*outlen = (result == s) ? len : (int) strlen(result);
	return result;
}

/* Value of a hex digit, or -1 */
static int
HexDigitValue(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Value of 4 hex digits at s, or -1 */
static int
Hex4Value(const char *s)
{
	int			value = 0;
	int			i;

	for (i = 0; i < 4; i++)
	{
		int			d = HexDigitValue(s[i]);

		if (d < 0)
			return -1;
		value = value * 16 + d;
	}
	return value;
}

/* The code point of a surrogate pair escape "\uD8xx\uDCxx" at s, or 0 */
static pg_wchar
SurrogatePairAt(const char *s, int avail)
{
	int			high;
	int			low;

	if (avail < 12 || s[0] != '\\' || s[1] != 'u' || s[6] != '\\' || s[7] != 'u')
		return 0;
	high = Hex4Value(s + 2);
	low = Hex4Value(s + 8);
	if (high < 0xD800 || high > 0xDBFF || low < 0xDC00 || low > 0xDFFF)
		return 0;
	return 0x10000 + ((pg_wchar) (high - 0xD800) << 10) + (pg_wchar) (low - 0xDC00);
}

/* Does an escape at s produce a stand-in ("\U0010FDxx", "\U0010FExx", "\uDBFF\uDDxx"...)? */
static bool
EscapesToStandin(const char *s, int avail)
{
	int			low;

	if (avail >= 8 && s[1] == 'U' && pg_strncasecmp(s + 2, "0010f", 5) == 0 &&
		(s[7] == 'd' || s[7] == 'D' || s[7] == 'e' || s[7] == 'E'))
		return true;
	if (avail < 12 || s[1] != 'u' || pg_strncasecmp(s + 2, "dbff", 4) != 0 ||
		s[6] != '\\' || s[7] != 'u')
		return false;
	low = Hex4Value(s + 8);
	return low >= 0xDD00 && low <= 0xDEFF;
}

/* Stand-in index of a raw DEL, C1, LS or PS character at s, or -1; sets *width */
static int
RawCharIndex(const unsigned char *s, int avail, int *width)
{
	if (s[0] == 0x7F)
	{
		*width = 1;
		return 0;
	}
	if (s[0] == 0xC2 && avail >= 2 && s[1] >= 0x80 && s[1] <= 0x9F)
	{
		*width = 2;
		return 1 + (s[1] - 0x80);
	}
	if (s[0] == 0xE2 && avail >= 3 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9))
	{
		*width = 3;
		return s[2] == 0xA8 ? 33 : 34;
	}
	return -1;
}

/* The character a stand-in index replaced */
static pg_wchar
RawCharOfIndex(int index)
{
	if (index == 0)
		return 0x7F;
	if (index <= 32)
		return 0x80 + index - 1;
	return index == 33 ? 0x2028 : 0x2029;
}

/* Append a code point as UTF-8 */
static void
AppendCodePoint(StringInfo buf, pg_wchar c)
{
	unsigned char utf8[4];

	unicode_to_utf8(c, utf8);
	appendBinaryStringInfo(buf, (const char *) utf8, pg_utf_mblen(utf8));
}

/* Letter case of the 8 hex digits of a surrogate pair escape, one bit each */
static int
EscapeCaseBits(const char *s)
{
	static const int positions[8] = {2, 3, 4, 5, 8, 9, 10, 11};
	int			bits = 0;
	int			i;

	for (i = 0; i < 8; i++)
		if (s[positions[i]] >= 'a' && s[positions[i]] <= 'f')
			bits |= 1 << i;
	return bits;
}

/*
 * Replace what libyaml would mishandle by stand-ins (see the top of the
 * file).  Leaves the input alone (returns false) if nothing needs replacing
 * or if the input already holds stand-in characters.
 */
static bool
ReplaceWithStandins(const char *data, int len, const char **out, int *outlen)
{
	const unsigned char *s = (const unsigned char *) data;
	StringInfoData buf;
	bool		needed = false;
	int			backslashes = 0;	/* backslashes just before position i */
	int			width;
	int			i;

	for (i = 0; i < len; i++)
	{
		if (s[i] == '\\')
		{
			if (backslashes % 2 == 0 && SurrogatePairAt(data + i, len - i) != 0)
				needed = true;
			if (EscapesToStandin(data + i, len - i))
				return false;
			backslashes++;
			continue;
		}
		backslashes = 0;
		if (s[i] < 0x7F)
			continue;
		if (RawCharIndex(s + i, len - i, &width) >= 0)
			needed = true;
		else if (s[i] == 0xF4 && i + 2 < len && s[i + 1] == 0x8F &&
				 s[i + 2] >= 0xB4 && s[i + 2] <= 0xBB)
			return false;		/* U+10FD00..U+10FEFF: stand-ins in the input */
	}
	if (!needed)
		return false;

	initStringInfo(&buf);
	enlargeStringInfo(&buf, len + 16);
	backslashes = 0;
	for (i = 0; i < len;)
	{
		int			index;

		if (s[i] == '\\')
		{
			pg_wchar	c;

			if (backslashes % 2 == 0 && (c = SurrogatePairAt(data + i, len - i)) != 0)
			{
				appendStringInfo(&buf, "\\U%08X", (unsigned int) c);
				AppendCodePoint(&buf, STANDIN_CASE + EscapeCaseBits(data + i));
				AppendCodePoint(&buf, STANDIN_PAIR_END);
				i += 12;
				backslashes = 0;
				continue;
			}
			backslashes++;
		}
		else
			backslashes = 0;
		index = RawCharIndex(s + i, len - i, &width);
		if (index >= 0)
		{
			AppendCodePoint(&buf, STANDIN_CHAR + index);
			i += width;
			continue;
		}
		appendStringInfoChar(&buf, data[i]);
		i++;
	}
	*out = buf.data;
	*outlen = buf.len;
	return true;
}

/*
 * Map the stand-ins in a scalar's value back.  In a double-quoted scalar a
 * rewritten escape was decoded, so its stand-ins are dropped; elsewhere it is
 * text, and the original escape text is put back.
 */
static void
RestoreStandins(YamlNode *node, bool double_quoted)
{
	const unsigned char *s = (const unsigned char *) node->value;
	StringInfoData buf;
	int			i;

	if (memchr(node->value, 0xF4, node->len) == NULL)
		return;
	initStringInfo(&buf);
	for (i = 0; i < node->len;)
	{
		pg_wchar	c = 0;

		if (s[i] == 0xF4 && i + 4 <= node->len)
			c = utf8_to_unicode(s + i);
		if (c >= STANDIN_CHAR && c < STANDIN_CHAR + STANDIN_NCHARS)
		{
			AppendCodePoint(&buf, RawCharOfIndex(c - STANDIN_CHAR));
			i += 4;
		}
		else if (c >= STANDIN_CASE && c < STANDIN_CASE + 256 && i + 8 <= node->len &&
				 utf8_to_unicode(s + i + 4) == STANDIN_PAIR_END)
		{
			if (!double_quoted && buf.len >= 10 && buf.data[buf.len - 10] == '\\')
			{
				/* "\UXXXXXXXX" was left as text: write the original escape */
				pg_wchar	cp = (pg_wchar) strtoul(buf.data + buf.len - 8, NULL, 16) - 0x10000;
				int			bits = c - STANDIN_CASE;
				char		escape[13];
				int			j;

				snprintf(escape, sizeof(escape), "\\u%04X\\u%04X",
						 (unsigned int) (0xD800 + (cp >> 10)),
						 (unsigned int) (0xDC00 + (cp & 0x3FF)));
				for (j = 0; j < 8; j++)
				{
					int			pos = (j < 4) ? 2 + j : 4 + j;

					if (bits & (1 << j))
						escape[pos] = pg_ascii_tolower((unsigned char) escape[pos]);
				}
				buf.len -= 10;
				appendBinaryStringInfo(&buf, escape, 12);
			}
			i += 8;
		}
		else
		{
			appendStringInfoChar(&buf, node->value[i]);
			i++;
		}
	}
	node->value = buf.data;
	node->len = buf.len;
}

/* Line and column (1-based) of a byte offset, counting as libyaml does */
static void
PositionOfOffset(const char *data, int len, size_t offset, int *line, int *column)
{
	const unsigned char *s = (const unsigned char *) data;
	size_t		i = 0;

	*line = 1;
	*column = 1;
	while (i < offset && i < (size_t) len)
	{
		int			width;

		if (s[i] == '\r' && i + 1 < (size_t) len && s[i + 1] == '\n')
			width = 2;
		else if (s[i] == '\n' || s[i] == '\r' ||
				 (s[i] == 0xC2 && i + 1 < (size_t) len && s[i + 1] == 0x85) ||
				 (s[i] == 0xE2 && i + 2 < (size_t) len && s[i + 1] == 0x80 &&
				  (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)))
			width = pg_utf_mblen(s + i);
		else
		{
			i += pg_utf_mblen(s + i);
			(*column)++;
			continue;
		}
		i += width;
		(*line)++;
		*column = 1;
	}
}

/* Raise the error libyaml's parser reported */
static void
pg_attribute_noreturn()
ParserError(yaml_parser_t *parser, const char *input, int input_len)
{
	if (parser->error == YAML_MEMORY_ERROR)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory while parsing YAML")));
	if (parser->error == YAML_READER_ERROR)
	{
		int			line;
		int			column;

		/* reader errors carry a byte offset, not a mark */
		PositionOfOffset(input, input_len, parser->problem_offset, &line, &column);
		if (parser->problem_value >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid YAML: %s at line %d, column %d",
							parser->problem, line, column),
					 errdetail("The character is U+%04X.", (unsigned int) parser->problem_value)));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid YAML: %s at line %d, column %d",
						parser->problem, line, column)));
	}
	if (parser->context != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid YAML: %s at line %d, column %d",
						parser->problem, (int) parser->problem_mark.line + 1,
						(int) parser->problem_mark.column + 1),
				 errdetail("The problem was found %s, which started at line %d, column %d.",
						   parser->context, (int) parser->context_mark.line + 1,
						   (int) parser->context_mark.column + 1)));
	YamlErrorAt(ERRCODE_INVALID_TEXT_REPRESENTATION, parser->problem_mark,
				parser->problem != NULL ? parser->problem : "unreadable input");
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

	while (i < len && s[i] != '\0' && strchr(class, s[i]) != NULL)
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

/* Text for a message: long values are cut */
static const char *
ShortText(const char *text)
{
	if (strlen(text) <= 40)
		return text;
	return psprintf("%.37s...", text);
}

/*
 * Does decimal text (core schema int or float syntax) fit in numeric?  The
 * limits are numeric_in's, checked here so that the error can say where the
 * number is: an exponent below INT_MAX / 2 in size, at most 16383 digits
 * after the decimal point, and a value below 1e131072.
 */
static bool
NumericTextFits(const char *text)
{
	const char *p = text;
	int64		intdigits = 0;	/* without leading zeros */
	int64		leadingfraczeros = 0;	/* zeros after the point, if intdigits = 0 */
	int64		fracdigits = 0;
	bool		nonzero = false;
	int64		exponent = 0;
	int64		dscale;

	if (*p == '-' || *p == '+')
		p++;
	while (*p == '0')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
	{
		intdigits++;
		nonzero = true;
	}
	if (*p == '.')
	{
		for (p++; *p >= '0' && *p <= '9'; p++)
		{
			fracdigits++;
			if (*p != '0')
				nonzero = true;
			else if (!nonzero)
				leadingfraczeros++;
		}
	}
	if (*p == 'e' || *p == 'E')
	{
		bool		negative = false;

		p++;
		if (*p == '-' || *p == '+')
			negative = (*p++ == '-');
		for (; *p >= '0' && *p <= '9'; p++)
		{
			exponent = exponent * 10 + (*p - '0');
			if (exponent >= INT_MAX / 2)
				return false;
		}
		if (negative)
			exponent = -exponent;
	}
	dscale = Max(fracdigits - exponent, 0);
	if (dscale > NUMERIC_MAX_DSCALE)
		return false;
	if (!nonzero)
		return true;
	/* decimal position of the first significant digit */
	if (intdigits > 0)
		return intdigits - 1 + exponent < NUMERIC_MAX_DECIMAL_WEIGHT;
	return -(leadingfraczeros + 1) + exponent < NUMERIC_MAX_DECIMAL_WEIGHT;
}

/* A numeric from decimal text (core schema int or float syntax) */
static Numeric
NumericFromText(YamlNode *node, const char *text)
{
	if (!NumericTextFits(text))
		YamlNodeError(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, node,
					  psprintf("number \"%s\" is out of range", ShortText(text)));
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
			YamlNodeError(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, node,
						  psprintf("integer \"%s\" is out of range", ShortText(s)));
		out->val.numeric = NumericFromText(node, psprintf(UINT64_FORMAT, value));
	}
	else
		out->val.numeric = NumericFromText(node, s);
}

/* A tag as users write it: "!!int" for the standard ones */
static const char *
TagDisplayName(const char *tag)
{
	if (strncmp(tag, YAML_TAG_PREFIX, strlen(YAML_TAG_PREFIX)) == 0)
		return psprintf("!!%s", tag + strlen(YAML_TAG_PREFIX));
	return tag;
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
		if (strcmp(name, "float") == 0 && CoreIsFloatNumber(s, len))
		{
			out->type = jbvNumeric;
			out->val.numeric = NumericFromText(node, s);
			return;
		}
		if (strcmp(name, "float") == 0 && CoreIsFloatSpecial(s, len))
			YamlNodeError(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, node,
						  psprintf("\"%s\" cannot be represented in JSON", s));
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
		out->val.string.val = Utf8ToServer(s, len, &out->val.string.len);
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
CheckMapping(YamlReader *reader, YamlNode *map)
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
		else if (key->tag != NULL && strcmp(key->tag, "!") != 0)
		{
			JsonbValue	unused;

			/* a key keeps its text, but its tag must be one we know */
			ScalarToJsonb(reader, key, &unused);
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

/* Hash of an anchor name (the key is a char pointer) */
static uint32
AnchorHash(const void *key, Size keysize)
{
	const char *name = *(const char *const *) key;

	return hash_bytes((const unsigned char *) name, (int) strlen(name));
}

/* Compare anchor names (the keys are char pointers) */
static int
AnchorMatch(const void *key1, const void *key2, Size keysize)
{
	return strcmp(*(const char *const *) key1, *(const char *const *) key2);
}

/* Remember an anchor (a later definition of the same name wins) */
static void
DefineAnchor(YamlReader *reader, yaml_char_t *anchor, YamlNode *node)
{
	YamlAnchor *entry;
	bool		found;

	if (anchor == NULL)
		return;
	if (reader->anchors == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(char *);
		ctl.entrysize = sizeof(YamlAnchor);
		ctl.hash = AnchorHash;
		ctl.match = AnchorMatch;
		ctl.hcxt = CurrentMemoryContext;
		reader->anchors = hash_create("datamesh YAML anchors", 16, &ctl,
									  HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
	}
	entry = hash_search(reader->anchors, &anchor, HASH_ENTER, &found);
	if (!found)
		entry->name = pstrdup((char *) anchor);
	entry->node = node;
}

/* The node an alias refers to, checking the bounds */
static YamlNode *
ResolveAlias(YamlReader *reader, yaml_event_t *event)
{
	const char *name = (const char *) event->data.alias.anchor;
	YamlAnchor *entry = NULL;
	YamlNode   *node;

	if (reader->anchors != NULL)
		entry = hash_search(reader->anchors, &name, HASH_FIND, NULL);
	if (entry == NULL)
		YamlErrorAt(ERRCODE_INVALID_TEXT_REPRESENTATION, event->start_mark,
					psprintf("undefined alias \"*%s\"", name));
	node = entry->node;
	if (!node->complete)
		YamlErrorAt(ERRCODE_INVALID_TEXT_REPRESENTATION, event->start_mark,
					psprintf("alias \"*%s\" refers to a node that contains it", name));
	reader->alias_nodes += node->expanded;
	if (reader->alias_nodes > datamesh_yaml_max_alias_nodes)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("invalid YAML: aliases expand to more than %d nodes at line %d, column %d",
						datamesh_yaml_max_alias_nodes,
						(int) event->start_mark.line + 1, (int) event->start_mark.column + 1),
				 errhint("Raise \"datamesh.yaml_max_alias_nodes\" if the document is legitimate.")));
	if (reader->depth + node->height > datamesh_yaml_max_depth)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("invalid YAML: nesting deeper than %d levels at line %d, column %d",
						datamesh_yaml_max_depth,
						(int) event->start_mark.line + 1, (int) event->start_mark.column + 1),
				 errhint("Raise \"datamesh.yaml_max_depth\" if the document is legitimate.")));
	return node;
}

/* Close the innermost collection: compute its size and check it */
static void
CloseCollection(YamlReader *reader)
{
	YamlNode   *node = reader->stack[--reader->depth];
	int			i;

	node->height = 1;
	for (i = 0; i < node->nitems; i++)
	{
		node->expanded = Min(node->expanded + node->items[i]->expanded, EXPANDED_MAX);
		node->height = Max(node->height, node->items[i]->height + 1);
	}
	if (node->kind == YNODE_MAPPING)
		CheckMapping(reader, node);
	node->complete = true;
}

/* Check the tag of a sequence or mapping: none, "!" or its standard one */
static void
CheckCollectionTag(yaml_event_t *event, const char *tag, const char *standard)
{
	if (tag != NULL && strcmp(tag, "!") != 0 && strcmp(tag, standard) != 0)
		YamlErrorAt(ERRCODE_INVALID_TEXT_REPRESENTATION, event->start_mark,
					psprintf("unsupported tag \"%s\"", TagDisplayName(tag)));
}

/* A scalar node from a scalar event */
static YamlNode *
ScalarNode(YamlReader *reader, yaml_event_t *event)
{
	YamlNode   *node = NewNode(YNODE_SCALAR, event->start_mark);

	node->len = (int) event->data.scalar.length;
	node->value = palloc(node->len + 1);
	memcpy(node->value, event->data.scalar.value, node->len);
	node->value[node->len] = '\0';
	node->plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (event->data.scalar.tag != NULL)
		node->tag = pstrdup((char *) event->data.scalar.tag);
	if (reader->standins)
		RestoreStandins(node, event->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	if (memchr(node->value, '\0', node->len) != NULL)
		YamlNodeError(ERRCODE_UNTRANSLATABLE_CHARACTER, node,
					  "the null character U+0000 is not allowed in text");
	node->complete = true;
	return node;
}

/* Handle one parser event; returns false at the end of the stream */
static bool
HandleEvent(YamlReader *reader, yaml_event_t *event)
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
			if (++reader->ndocuments > 1)
				YamlErrorAt(ERRCODE_INVALID_TEXT_REPRESENTATION, event->start_mark,
							"more than one document");
			break;
		case YAML_ALIAS_EVENT:
			PlaceNode(reader, ResolveAlias(reader, event));
			break;
		case YAML_SCALAR_EVENT:
			node = ScalarNode(reader, event);
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
			if (event->type == YAML_MAPPING_START_EVENT)
			{
				CheckCollectionTag(event, (const char *) event->data.mapping_start.tag,
								   YAML_TAG_PREFIX "map");
				node = NewNode(YNODE_MAPPING, event->start_mark);
				DefineAnchor(reader, event->data.mapping_start.anchor, node);
			}
			else
			{
				CheckCollectionTag(event, (const char *) event->data.sequence_start.tag,
								   YAML_TAG_PREFIX "seq");
				node = NewNode(YNODE_SEQUENCE, event->start_mark);
				DefineAnchor(reader, event->data.sequence_start.anchor, node);
			}
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
		YamlNode   *keynode = map->items[i];
		JsonbValue	key;

		if (IsMergeKey(keynode))
			continue;
		key.type = jbvString;
		if (reader->convert_encoding)
			key.val.string.val = Utf8ToServer(keynode->value, keynode->len,
											  &key.val.string.len);
		else
		{
			key.val.string.val = keynode->value;
			key.val.string.len = keynode->len;
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

/* Run libyaml's parser over the input, building the node tree */
static void
ParseEvents(YamlReader *reader, const char *input, int input_len)
{
	yaml_parser_t parser;
	yaml_event_t event;
	volatile bool parser_ready = false;
	volatile bool event_ready = false;

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
				ParserError(&parser, input, input_len);
			event_ready = true;
			more = HandleEvent(reader, &event);
			yaml_event_delete(&event);
			event_ready = false;
			if (!more)
				break;
		}
	}
	PG_CATCH();
	{
		/* PG_CATCH rather than PG_FINALLY: gcc -Wclobbered objects to the latter here */
		if (event_ready)
			yaml_event_delete(&event);
		if (parser_ready)
			yaml_parser_delete(&parser);
		PG_RE_THROW();
	}
	PG_END_TRY();
	yaml_parser_delete(&parser);
}

/* Parse YAML (or JSON) text into jsonb; every error names line and column */
Jsonb *
YamlToJsonb(const char *data, int len)
{
	MemoryContext callcxt = CurrentMemoryContext;
	MemoryContext treecxt;
	YamlReader	reader;
	const char *input = data;
	int			input_len = len;
	JsonbValue *result;
	JsonbParseState *state = NULL;
	Jsonb	   *jb;

	if (len > datamesh_manifest_max_bytes)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("YAML document of %d bytes exceeds the limit of %d bytes",
						len, datamesh_manifest_max_bytes),
				 errhint("Raise \"datamesh.manifest_max_bytes\" if the document is legitimate.")));

	treecxt = AllocSetContextCreate(callcxt, "datamesh YAML tree", ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(treecxt);

	memset(&reader, 0, sizeof(reader));
	reader.convert_encoding = NeedsEncodingConversion();
	if (reader.convert_encoding)
		input = ServerToUtf8(data, len, &input_len);

	/*
	 * A byte order mark is skipped here: with the encoding given, libyaml
	 * would count it as a column of the first line, which then no longer
	 * lines up with the next one.
	 */
	if (input_len >= 3 && memcmp(input, "\xEF\xBB\xBF", 3) == 0)
	{
		input += 3;
		input_len -= 3;
	}
	reader.standins = ReplaceWithStandins(input, input_len, &input, &input_len);
	reader.stack = palloc((datamesh_yaml_max_depth + 1) * sizeof(YamlNode *));

	ParseEvents(&reader, input, input_len);

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

/* Does the text hold NEL, LS or PS (line breaks to libyaml, not to YAML 1.2)? */
static bool
HasUnicodeBreak(const char *s, int len)
{
	const unsigned char *u = (const unsigned char *) s;
	int			i;

	for (i = 0; i + 1 < len; i++)
	{
		if (u[i] == 0xC2 && u[i + 1] == 0x85)
			return true;
		if (u[i] == 0xE2 && i + 2 < len && u[i + 1] == 0x80 &&
			(u[i + 2] == 0xA8 || u[i + 2] == 0xA9))
			return true;
	}
	return false;
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
				text = ServerToUtf8(text, len, &len);

			/*
			 * libyaml writes NEL, LS and PS raw outside double quotes, and
			 * they are text, not line breaks, when read back.
			 */
			if (PlainWouldRetype(text, len) || HasUnicodeBreak(text, len))
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
	bool		convert_encoding = NeedsEncodingConversion();
	int			outlen;

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
		return Utf8ToServer(out.data, out.len, &outlen);
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
