/*
 * semver.c
 *		The datamesh.semver base type: SemVer 2.0.0 versions, their input and
 *		output, precedence, hashing, accessors and min/max support.
 *
 * Input is strict SemVer 2.0.0: MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], no
 * leading zeros in numeric identifiers, no "v" prefix, no white space.
 * Major, minor and patch are int64; numeric pre-release identifiers may be of
 * any length and are compared exactly.  Build metadata is kept for output and
 * ignored by comparison and hashing.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "semver.h"

PG_FUNCTION_INFO_V1(semver_in);
PG_FUNCTION_INFO_V1(semver_out);
PG_FUNCTION_INFO_V1(semver_recv);
PG_FUNCTION_INFO_V1(semver_send);
PG_FUNCTION_INFO_V1(semver_cmp);
PG_FUNCTION_INFO_V1(semver_eq);
PG_FUNCTION_INFO_V1(semver_ne);
PG_FUNCTION_INFO_V1(semver_lt);
PG_FUNCTION_INFO_V1(semver_le);
PG_FUNCTION_INFO_V1(semver_gt);
PG_FUNCTION_INFO_V1(semver_ge);
PG_FUNCTION_INFO_V1(semver_hash);
PG_FUNCTION_INFO_V1(semver_hash_extended);
PG_FUNCTION_INFO_V1(semver_smaller);
PG_FUNCTION_INFO_V1(semver_larger);
PG_FUNCTION_INFO_V1(semver_major);
PG_FUNCTION_INFO_V1(semver_minor);
PG_FUNCTION_INFO_V1(semver_patch);
PG_FUNCTION_INFO_V1(semver_prerelease);
PG_FUNCTION_INFO_V1(semver_build);
PG_FUNCTION_INFO_V1(semver_is_prerelease);

#define IsIdentChar(c) \
	(((c) >= '0' && (c) <= '9') || ((c) >= 'a' && (c) <= 'z') || \
	 ((c) >= 'A' && (c) <= 'Z') || (c) == '-')
#define IsDigitChar(c)	((c) >= '0' && (c) <= '9')

static const char *const FormDetail =
"A version must have the form MAJOR.MINOR.PATCH, three numeric components separated by dots.";
static const char *const LeadingZeroDetail =
"Numeric identifiers must not have leading zeros.";
static const char *const IdentCharDetail =
"Pre-release and build identifiers may contain only ASCII letters, digits and hyphens.";

/* Decode a Semver's payload into a SemverParts view */
void
SemverGetParts(const Semver *v, SemverParts *parts)
{
	const char *p = VARDATA_ANY(v);
	int			size = VARSIZE_ANY_EXHDR(v);
	uint32		prelen;

	if (size < (int) SEMVER_HEADER_SIZE || p[0] != SEMVER_FORMAT_1)
		elog(ERROR, "corrupt semver value (size %d, format %d)",
			 size, size > 0 ? p[0] : -1);
	memcpy(&parts->major, p + 1, sizeof(int64));
	memcpy(&parts->minor, p + 1 + sizeof(int64), sizeof(int64));
	memcpy(&parts->patch, p + 1 + 2 * sizeof(int64), sizeof(int64));
	memcpy(&prelen, p + 1 + 3 * sizeof(int64), sizeof(uint32));
	if (prelen > size - SEMVER_HEADER_SIZE)
		elog(ERROR, "corrupt semver value (pre-release length %u)", prelen);
	parts->prerelease = p + SEMVER_HEADER_SIZE;
	parts->prerelease_len = prelen;
	parts->build = parts->prerelease + prelen;
	parts->build_len = size - SEMVER_HEADER_SIZE - prelen;
}

/* Build a Semver datum from its parts (the caller has validated them) */
Semver *
SemverFromParts(const SemverParts *parts)
{
	Size		size = VARHDRSZ + SEMVER_HEADER_SIZE + parts->prerelease_len + parts->build_len;
	Semver	   *v = (Semver *) palloc(size);
	char	   *p = v->payload;
	uint32		prelen = parts->prerelease_len;

	SET_VARSIZE(v, size);
	p[0] = SEMVER_FORMAT_1;
	memcpy(p + 1, &parts->major, sizeof(int64));
	memcpy(p + 1 + sizeof(int64), &parts->minor, sizeof(int64));
	memcpy(p + 1 + 2 * sizeof(int64), &parts->patch, sizeof(int64));
	memcpy(p + 1 + 3 * sizeof(int64), &prelen, sizeof(uint32));
	if (parts->prerelease_len > 0)
		memcpy(p + SEMVER_HEADER_SIZE, parts->prerelease, parts->prerelease_len);
	if (parts->build_len > 0)
		memcpy(p + SEMVER_HEADER_SIZE + prelen, parts->build, parts->build_len);
	return v;
}

/*
 * Scan major, minor or patch at *pos: "0" or a digit 1-9 followed by digits.
 * Sets *overflow instead of failing when the number is beyond int64, so that
 * a syntax error later in the string is reported first.
 */
static bool
ScanVersionNumber(const char *str, int len, int *pos, int64 *value,
				  bool *overflow, const char **detail)
{
	int			p = *pos;
	int64		v = 0;

	if (p >= len || !IsDigitChar(str[p]))
	{
		*detail = FormDetail;
		return false;
	}
	if (str[p] == '0' && p + 1 < len && IsDigitChar(str[p + 1]))
	{
		*detail = LeadingZeroDetail;
		return false;
	}
	for (; p < len && IsDigitChar(str[p]); p++)
	{
		int			d = str[p] - '0';

		if (v > (PG_INT64_MAX - d) / 10)
			*overflow = true;
		else
			v = v * 10 + d;
	}
	*value = v;
	*pos = p;
	return true;
}

/*
 * Scan dot-separated identifiers at *pos (pre-release or build metadata)
 * up to the end of the string or, for a pre-release, a "+".
 */
static bool
ScanIdentifiers(const char *str, int len, int *pos, bool prerelease,
				const char **detail)
{
	int			p = *pos;

	for (;;)
	{
		int			start = p;
		bool		numeric = true;

		for (; p < len && IsIdentChar(str[p]); p++)
			if (!IsDigitChar(str[p]))
				numeric = false;
		if (p == start)
		{
			if (p < len && str[p] != '.' && !(prerelease && str[p] == '+'))
				*detail = IdentCharDetail;
			else if (prerelease)
				*detail = "Pre-release identifiers must not be empty.";
			else
				*detail = "Build metadata identifiers must not be empty.";
			return false;
		}
		if (prerelease && numeric && str[start] == '0' && p - start > 1)
		{
			*detail = LeadingZeroDetail;
			return false;
		}
		if (p < len && str[p] == '.')
		{
			p++;
			continue;
		}
		if (p == len || (prerelease && str[p] == '+'))
			break;
		*detail = IdentCharDetail;
		return false;
	}
	*pos = p;
	return true;
}

/*
 * Parse a strict SemVer 2.0.0 version of len bytes.  On success sets
 * *result; otherwise sets *detail to a sentence saying what is wrong.
 */
SemverParseStatus
SemverParse(const char *str, int len, Semver **result, char **detail)
{
	SemverParts parts;
	int			pos = 0;
	int			prestart = 0;
	int			buildstart = 0;
	bool		overflow = false;
	const char *why = NULL;
	int			i;

	memset(&parts, 0, sizeof(parts));
	*result = NULL;
	*detail = NULL;

	if (len == 0)
	{
		*detail = pstrdup("A version must not be empty.");
		return SEMVER_PARSE_SYNTAX;
	}
	for (i = 0; i < len; i++)
	{
		if (str[i] == ' ' || (str[i] >= '\t' && str[i] <= '\r'))
		{
			*detail = pstrdup("A version must not contain white space.");
			return SEMVER_PARSE_SYNTAX;
		}
	}
	if (str[0] == 'v' || str[0] == 'V' || str[0] == '=')
	{
		*detail = psprintf("A version must start with a digit: a \"%c\" prefix is not part of SemVer 2.0.0.",
						   str[0]);
		return SEMVER_PARSE_SYNTAX;
	}

	if (!ScanVersionNumber(str, len, &pos, &parts.major, &overflow, &why) ||
		pos >= len || str[pos++] != '.' ||
		!ScanVersionNumber(str, len, &pos, &parts.minor, &overflow, &why) ||
		pos >= len || str[pos++] != '.' ||
		!ScanVersionNumber(str, len, &pos, &parts.patch, &overflow, &why))
	{
		*detail = pstrdup(why ? why : FormDetail);
		return SEMVER_PARSE_SYNTAX;
	}
	if (pos < len && str[pos] == '-')
	{
		prestart = ++pos;
		if (!ScanIdentifiers(str, len, &pos, true, &why))
		{
			*detail = pstrdup(why);
			return SEMVER_PARSE_SYNTAX;
		}
		parts.prerelease = str + prestart;
		parts.prerelease_len = pos - prestart;
	}
	if (pos < len && str[pos] == '+')
	{
		buildstart = ++pos;
		if (!ScanIdentifiers(str, len, &pos, false, &why))
		{
			*detail = pstrdup(why);
			return SEMVER_PARSE_SYNTAX;
		}
		parts.build = str + buildstart;
		parts.build_len = pos - buildstart;
	}
	if (pos < len)
	{
		if (str[pos] == '.')
			*detail = pstrdup(FormDetail);
		else
			*detail = pstrdup("The patch version may be followed only by a pre-release (\"-\") or build metadata (\"+\").");
		return SEMVER_PARSE_SYNTAX;
	}
	if (overflow)
	{
		*detail = psprintf("Major, minor and patch versions must not exceed " INT64_FORMAT ".",
						   PG_INT64_MAX);
		return SEMVER_PARSE_OVERFLOW;
	}
	*result = SemverFromParts(&parts);
	return SEMVER_PARSE_OK;
}

/* Parse a version for the type input functions, raising the user's error */
static Semver *
SemverInputOrError(const char *str, int len)
{
	Semver	   *result;
	char	   *detail;

	switch (SemverParse(str, len, &result, &detail))
	{
		case SEMVER_PARSE_OK:
			break;
		case SEMVER_PARSE_SYNTAX:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%.*s\"", "semver", len, str),
					 errdetail("%s", detail)));
			break;
		case SEMVER_PARSE_OVERFLOW:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value \"%.*s\" is out of range for type %s", len, str, "semver"),
					 errdetail("%s", detail)));
			break;
	}
	return result;
}

/* Text form: MAJOR.MINOR.PATCH[-PRERELEASE], then [+BUILD] if with_build */
char *
SemverToCString(const Semver *v, bool with_build)
{
	SemverParts parts;
	StringInfoData buf;

	SemverGetParts(v, &parts);
	initStringInfo(&buf);
	appendStringInfo(&buf, INT64_FORMAT "." INT64_FORMAT "." INT64_FORMAT,
					 parts.major, parts.minor, parts.patch);
	if (parts.prerelease_len > 0)
	{
		appendStringInfoChar(&buf, '-');
		appendBinaryStringInfo(&buf, parts.prerelease, parts.prerelease_len);
	}
	if (with_build && parts.build_len > 0)
	{
		appendStringInfoChar(&buf, '+');
		appendBinaryStringInfo(&buf, parts.build, parts.build_len);
	}
	return buf.data;
}

/* Compare two pre-release identifiers by SemVer 2.0.0 precedence */
static int
CompareIdentifier(const char *a, int alen, const char *b, int blen)
{
	bool		anum = true;
	bool		bnum = true;
	int			i;
	int			c;

	for (i = 0; i < alen && anum; i++)
		anum = IsDigitChar(a[i]);
	for (i = 0; i < blen && bnum; i++)
		bnum = IsDigitChar(b[i]);
	if (anum && bnum)
	{
		/* no leading zeros: the longer number is the larger */
		if (alen != blen)
			return alen < blen ? -1 : 1;
		c = memcmp(a, b, alen);
		return c < 0 ? -1 : (c > 0 ? 1 : 0);
	}
	if (anum != bnum)
		return anum ? -1 : 1;
	c = memcmp(a, b, Min(alen, blen));
	if (c != 0)
		return c < 0 ? -1 : 1;
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

/* Compare two pre-release strings; an empty one (a release) is the larger */
static int
ComparePrerelease(const char *a, int alen, const char *b, int blen)
{
	int			i = 0;
	int			j = 0;

	if (alen == 0 || blen == 0)
		return (alen == 0) - (blen == 0);
	for (;;)
	{
		int			ie = i;
		int			je = j;
		int			c;

		while (ie < alen && a[ie] != '.')
			ie++;
		while (je < blen && b[je] != '.')
			je++;
		c = CompareIdentifier(a + i, ie - i, b + j, je - j);
		if (c != 0)
			return c;
		if (ie >= alen || je >= blen)
			return (ie < alen) - (je < blen);
		i = ie + 1;
		j = je + 1;
	}
}

/* SemVer 2.0.0 precedence: -1, 0 or 1; build metadata is ignored */
int
SemverCompare(const Semver *a, const Semver *b)
{
	SemverParts pa;
	SemverParts pb;

	SemverGetParts(a, &pa);
	SemverGetParts(b, &pb);
	if (pa.major != pb.major)
		return pa.major < pb.major ? -1 : 1;
	if (pa.minor != pb.minor)
		return pa.minor < pb.minor ? -1 : 1;
	if (pa.patch != pb.patch)
		return pa.patch < pb.patch ? -1 : 1;
	return ComparePrerelease(pa.prerelease, pa.prerelease_len,
							 pb.prerelease, pb.prerelease_len);
}

/* Type input: strict SemVer 2.0.0 text */
Datum
semver_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);

	PG_RETURN_SEMVER_P(SemverInputOrError(str, strlen(str)));
}

/* Type output: the version as it was entered, build metadata included */
Datum
semver_out(PG_FUNCTION_ARGS)
{
	Semver	   *v = PG_GETARG_SEMVER_P(0);

	PG_RETURN_CSTRING(SemverToCString(v, true));
}

/* Binary input: a format byte (1), then the text form */
Datum
semver_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			format = pq_getmsgint(buf, 1);
	char	   *str;
	int			nbytes;

	if (format != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported semver binary format version %d", format)));
	str = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
	PG_RETURN_SEMVER_P(SemverInputOrError(str, nbytes));
}

/* Binary output: a format byte (1), then the text form */
Datum
semver_send(PG_FUNCTION_ARGS)
{
	Semver	   *v = PG_GETARG_SEMVER_P(0);
	char	   *str = SemverToCString(v, true);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, 1);
	pq_sendtext(&buf, str, strlen(str));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Compare the two semver arguments, freeing detoasted copies */
static int
SemverCompareArgs(FunctionCallInfo fcinfo)
{
	Semver	   *a = PG_GETARG_SEMVER_P(0);
	Semver	   *b = PG_GETARG_SEMVER_P(1);
	int			c = SemverCompare(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	return c;
}

/* btree support: -1, 0 or 1 */
Datum
semver_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(SemverCompareArgs(fcinfo));
}

/* Operator =: equal precedence (build metadata ignored) */
Datum
semver_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(SemverCompareArgs(fcinfo) == 0);
}

/* Operator <> */
Datum
semver_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(SemverCompareArgs(fcinfo) != 0);
}

/* Operator < */
Datum
semver_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(SemverCompareArgs(fcinfo) < 0);
}

/* Operator <= */
Datum
semver_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(SemverCompareArgs(fcinfo) <= 0);
}

/* Operator > */
Datum
semver_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(SemverCompareArgs(fcinfo) > 0);
}

/* Operator >= */
Datum
semver_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(SemverCompareArgs(fcinfo) >= 0);
}

/*
 * The bytes that equality looks at, in a byte-order independent form:
 * major, minor and patch big-endian, then the pre-release text.  Returns the
 * length; *buf is stackbuf when it fits, else palloc'd.
 */
static int
SemverHashKey(const Semver *v, unsigned char *stackbuf, int stacksize,
			  unsigned char **buf)
{
	SemverParts parts;
	int64		nums[3];
	int			len;
	int			i;
	int			k;

	SemverGetParts(v, &parts);
	nums[0] = parts.major;
	nums[1] = parts.minor;
	nums[2] = parts.patch;
	len = 3 * 8 + parts.prerelease_len;
	*buf = (len <= stacksize) ? stackbuf : (unsigned char *) palloc(len);
	for (i = 0; i < 3; i++)
		for (k = 0; k < 8; k++)
			(*buf)[i * 8 + k] = (unsigned char) ((uint64) nums[i] >> (56 - 8 * k));
	if (parts.prerelease_len > 0)
		memcpy(*buf + 24, parts.prerelease, parts.prerelease_len);
	return len;
}

/* hash support: ignores build metadata, as equality does */
Datum
semver_hash(PG_FUNCTION_ARGS)
{
	Semver	   *v = PG_GETARG_SEMVER_P(0);
	unsigned char stackbuf[128];
	unsigned char *key;
	int			len = SemverHashKey(v, stackbuf, sizeof(stackbuf), &key);
	Datum		result = hash_any(key, len);

	if (key != stackbuf)
		pfree(key);
	PG_FREE_IF_COPY(v, 0);
	PG_RETURN_DATUM(result);
}

/* Extended (64-bit, seeded) hash support; seed 0 agrees with semver_hash */
Datum
semver_hash_extended(PG_FUNCTION_ARGS)
{
	Semver	   *v = PG_GETARG_SEMVER_P(0);
	uint64		seed = PG_GETARG_INT64(1);
	unsigned char stackbuf[128];
	unsigned char *key;
	int			len = SemverHashKey(v, stackbuf, sizeof(stackbuf), &key);
	Datum		result = hash_any_extended(key, len, seed);

	if (key != stackbuf)
		pfree(key);
	PG_FREE_IF_COPY(v, 0);
	PG_RETURN_DATUM(result);
}

/* min() transition and combine function: the lower of two versions */
Datum
semver_smaller(PG_FUNCTION_ARGS)
{
	Semver	   *a = PG_GETARG_SEMVER_P(0);
	Semver	   *b = PG_GETARG_SEMVER_P(1);

	PG_RETURN_SEMVER_P(SemverCompare(a, b) <= 0 ? a : b);
}

/* max() transition and combine function: the higher of two versions */
Datum
semver_larger(PG_FUNCTION_ARGS)
{
	Semver	   *a = PG_GETARG_SEMVER_P(0);
	Semver	   *b = PG_GETARG_SEMVER_P(1);

	PG_RETURN_SEMVER_P(SemverCompare(a, b) >= 0 ? a : b);
}

/* The major version */
Datum
semver_major(PG_FUNCTION_ARGS)
{
	SemverParts parts;

	SemverGetParts(PG_GETARG_SEMVER_P(0), &parts);
	PG_RETURN_INT64(parts.major);
}

/* The minor version */
Datum
semver_minor(PG_FUNCTION_ARGS)
{
	SemverParts parts;

	SemverGetParts(PG_GETARG_SEMVER_P(0), &parts);
	PG_RETURN_INT64(parts.minor);
}

/* The patch version */
Datum
semver_patch(PG_FUNCTION_ARGS)
{
	SemverParts parts;

	SemverGetParts(PG_GETARG_SEMVER_P(0), &parts);
	PG_RETURN_INT64(parts.patch);
}

/* The pre-release identifiers without the "-", or NULL for a release */
Datum
semver_prerelease(PG_FUNCTION_ARGS)
{
	SemverParts parts;

	SemverGetParts(PG_GETARG_SEMVER_P(0), &parts);
	if (parts.prerelease_len == 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(parts.prerelease, parts.prerelease_len));
}

/* The build metadata without the "+", or NULL if there is none */
Datum
semver_build(PG_FUNCTION_ARGS)
{
	SemverParts parts;

	SemverGetParts(PG_GETARG_SEMVER_P(0), &parts);
	if (parts.build_len == 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(parts.build, parts.build_len));
}

/* Whether the version has a pre-release part */
Datum
semver_is_prerelease(PG_FUNCTION_ARGS)
{
	SemverParts parts;

	SemverGetParts(PG_GETARG_SEMVER_P(0), &parts);
	PG_RETURN_BOOL(parts.prerelease_len > 0);
}
