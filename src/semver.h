/*
 * semver.h
 *		The datamesh.semver type (SemVer 2.0.0) and node-semver ranges.
 *
 * A Semver is a varlena.  Its payload is not aligned (the datum may carry a
 * short header), so read it only through SemverGetParts(); never cast the
 * payload to a struct.  Payload layout, after the varlena header:
 *
 *		uint8	format			SEMVER_FORMAT_1
 *		int64	major			native byte order, copied with memcpy
 *		int64	minor
 *		int64	patch
 *		uint32	prerelease_len	bytes of pre-release text
 *		char	prerelease[prerelease_len]	without the leading "-"
 *		char	build[]			the rest: build metadata without the "+"
 *
 * Precedence and equality ignore the build metadata; the pre-release text is
 * canonical (strict input has no leading zeros), so two versions are equal
 * exactly when major, minor, patch and the pre-release bytes are equal.
 */
#ifndef DATAMESH_SEMVER_H
#define DATAMESH_SEMVER_H

#include "fmgr.h"

typedef struct Semver
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	char		payload[FLEXIBLE_ARRAY_MEMBER];
} Semver;

#define SEMVER_FORMAT_1			1
#define SEMVER_HEADER_SIZE		(1 + 3 * sizeof(int64) + sizeof(uint32))

#define DatumGetSemverP(X)		((Semver *) PG_DETOAST_DATUM_PACKED(X))
#define SemverPGetDatum(X)		PointerGetDatum(X)
#define PG_GETARG_SEMVER_P(n)	DatumGetSemverP(PG_GETARG_DATUM(n))
#define PG_RETURN_SEMVER_P(x)	PG_RETURN_POINTER(x)

/* A decoded view of a Semver; the strings point into the datum */
typedef struct SemverParts
{
	int64		major;
	int64		minor;
	int64		patch;
	const char *prerelease;		/* not NUL-terminated */
	int			prerelease_len; /* 0: a normal (release) version */
	const char *build;			/* not NUL-terminated */
	int			build_len;		/* 0: no build metadata */
} SemverParts;

/* Result of SemverParse */
typedef enum SemverParseStatus
{
	SEMVER_PARSE_OK,
	SEMVER_PARSE_SYNTAX,		/* not SemVer 2.0.0 syntax */
	SEMVER_PARSE_OVERFLOW		/* major, minor or patch beyond int64 */
} SemverParseStatus;

/* semver.c */
extern void SemverGetParts(const Semver *v, SemverParts *parts);
extern Semver *SemverFromParts(const SemverParts *parts);
extern SemverParseStatus SemverParse(const char *str, int len, Semver **result,
									 char **detail);
extern int	SemverCompare(const Semver *a, const Semver *b);
extern char *SemverToCString(const Semver *v, bool with_build);

/*
 * A parsed node-semver range (npm "semver" v7, default options: not loose,
 * pre-releases excluded): an OR of comparator sets, each an AND of
 * comparators.  A set with no comparators matches any version that is not a
 * pre-release.
 */
typedef enum SemverOperator
{
	SEMVER_OP_EQ,				/* "" or "=" */
	SEMVER_OP_LT,				/* "<" */
	SEMVER_OP_LE,				/* "<=" */
	SEMVER_OP_GT,				/* ">" */
	SEMVER_OP_GE				/* ">=" */
} SemverOperator;

typedef struct SemverComparator
{
	SemverOperator op;
	Semver	   *version;		/* never has build metadata */
} SemverComparator;

typedef struct SemverComparatorSet
{
	int			ncomparators;	/* 0: any version (node's "*") */
	SemverComparator *comparators;
} SemverComparatorSet;

typedef struct SemverRange
{
	int			nsets;			/* at least 1 */
	SemverComparatorSet *sets;
} SemverRange;

/* semver_range.c */
extern SemverRange *ParseSemverRange(const char *text);
extern SemverRange *SemverRangeTryParse(const char *text, char **errdetail);
extern bool SemverRangeSatisfies(const SemverRange *range, const Semver *version);
extern char *SemverRangeFormat(const SemverRange *range);

#endif							/* DATAMESH_SEMVER_H */
