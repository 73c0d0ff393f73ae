/*
 * semver_range.c
 *		node-semver ranges: parsing, satisfaction and the SQL functions
 *		satisfies(), semver_range_valid(), semver_range_normalize() and
 *		max_satisfying().
 *
 * The semantics are those of npm's "semver" package, version 7, with default
 * options (not loose, pre-releases excluded).  node-semver defines a range by
 * a series of regular-expression rewrites of the range text; odd inputs such
 * as "> =1.2.3" (valid, means ">=1.2.3") or "> = 1.2.3" (invalid) depend on
 * the exact order and extent of those rewrites.  To agree with node on every
 * input, this file performs the same rewrites, in the same order, with
 * hand-written matchers that accept exactly what node's patterns accept and
 * capture what they capture:
 *
 *	1. collapse white space and split the text on "||" into comparator sets;
 *	then for each set:
 *	2. delete build metadata ("+" identifiers) everywhere;
 *	3. rewrite a hyphen range "A - B" into ">=A <=B" (partials adjusted);
 *	4. delete the space between an operator and its version ("> 1" -> ">1"),
 *	   and after "~", "~>" and "^";
 *	5. split on spaces and expand each word: caret, then tilde, then x-range,
 *	   then delete the first "*" (with any operator before it);
 *	6. split the expansions on spaces and parse each word as a comparator
 *	   (operator and full version); ">=0.0.0" and the empty word mean "any".
 *
 * Differences from node-semver, all on inputs no one writes: only ASCII white
 * space counts as white space; numbers may go up to 2^63-1 (node: 2^53-1);
 * there are no length limits (node: 256 characters per version, 250 per
 * identifier).  An invalid range raises an error instead of returning null.
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "semver.h"

PG_FUNCTION_INFO_V1(satisfies);
PG_FUNCTION_INFO_V1(semver_range_valid);
PG_FUNCTION_INFO_V1(semver_range_normalize);
PG_FUNCTION_INFO_V1(max_satisfying);

#define IsDigitChar(c)	((c) >= '0' && (c) <= '9')
#define IsLetterOrHyphen(c) \
	(((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || (c) == '-')
#define IsIdentChar(c)	(IsDigitChar(c) || IsLetterOrHyphen(c))
/* JavaScript's \s, restricted to ASCII */
#define IsSpaceChar(c)	((c) == ' ' || ((c) >= '\t' && (c) <= '\r'))

/* State of one range parse: the text for error details, and the detail */
typedef struct RangeParse
{
	const char *original;		/* the range as given */
	int		   *rawmap;			/* collapsed-text offset -> original offset */
	const char *settext;		/* the comparator set being parsed */
	int			setoffset;		/* its offset in the collapsed text */
	char	   *detail;			/* set when the range is invalid */
} RangeParse;

/* A comparator while its set is being assembled */
typedef struct ParsedComparator
{
	SemverOperator op;
	Semver	   *version;
	char	   *value;			/* node's Comparator.value, e.g. ">=1.2.3" */
	int			position;		/* in its set, for removing repeats */
	bool		repeated;		/* an earlier comparator has the same value */
} ParsedComparator;

/*
 * A string being matched, with the end of each character run precomputed so
 * that every match attempt is O(1) and a whole scan stays linear.
 */
typedef struct Scan
{
	const char *s;				/* NUL-terminated */
	int			n;
	int		   *digit_end;		/* end of the [0-9] run starting at i */
	int		   *ident_end;		/* end of the [0-9A-Za-z-] run starting at i */
	int		   *prefix_end;		/* end of the [v= ] run starting at i */
} Scan;

/* What node's XRANGEPLAIN captures: M, m, p and the pre-release */
typedef struct XPlain
{
	int			start;			/* whole match, "v" / "=" prefix included */
	int			end;
	int			M,
				Mlen;			/* each part: offset and length, 0 if absent */
	int			m,
				mlen;
	int			p,
				plen;
	int			pr,
				prlen;			/* pre-release without the "-" */
} XPlain;

/* Prepare s (NUL-terminated) for matching */
static void
ScanInit(Scan *sc, const char *s)
{
	int			n = strlen(s);
	int			i;

	sc->s = s;
	sc->n = n;
	sc->digit_end = palloc((n + 2) * sizeof(int));
	sc->ident_end = palloc((n + 2) * sizeof(int));
	sc->prefix_end = palloc((n + 2) * sizeof(int));
	sc->digit_end[n] = sc->ident_end[n] = sc->prefix_end[n] = n;
	sc->digit_end[n + 1] = sc->ident_end[n + 1] = sc->prefix_end[n + 1] = n + 1;
	for (i = n - 1; i >= 0; i--)
	{
		char		c = s[i];

		sc->digit_end[i] = IsDigitChar(c) ? sc->digit_end[i + 1] : i;
		sc->ident_end[i] = IsIdentChar(c) ? sc->ident_end[i + 1] : i;
		sc->prefix_end[i] = (c == 'v' || c == '=' || c == ' ') ? sc->prefix_end[i + 1] : i;
	}
}

/* Free a Scan's arrays */
static void
ScanFree(Scan *sc)
{
	pfree(sc->digit_end);
	pfree(sc->ident_end);
	pfree(sc->prefix_end);
}

/* The character at i, or NUL past the end */
static inline char
At(const Scan *sc, int i)
{
	return (i < sc->n) ? sc->s[i] : '\0';
}

/* An x-range identifier at i: "0", [1-9][0-9]*, "x", "X" or "*"; its end */
static int
MatchXrid(const Scan *sc, int i)
{
	char		c = At(sc, i);

	if (c == '0' || c == 'x' || c == 'X' || c == '*')
		return i + 1;
	if (c >= '1' && c <= '9')
		return sc->digit_end[i];
	return -1;
}

/*
 * A strict pre-release identifier at i: digits then a letter or hyphen then
 * identifier characters, or else "0" or [1-9][0-9]*; its end.
 */
static int
MatchPrid(const Scan *sc, int i)
{
	char		c = At(sc, i);

	if (i >= sc->n)
		return -1;
	if (IsLetterOrHyphen(At(sc, sc->digit_end[i])))
		return sc->ident_end[i];
	if (c == '0')
		return i + 1;
	if (c >= '1' && c <= '9')
		return sc->digit_end[i];
	return -1;
}

/* A strict pre-release at i: "-" and dot-separated identifiers; its end */
static int
MatchPrerelease(const Scan *sc, int i)
{
	int			e;
	int			e2;

	if (At(sc, i) != '-' || (e = MatchPrid(sc, i + 1)) < 0)
		return -1;
	while (At(sc, e) == '.' && (e2 = MatchPrid(sc, e + 1)) >= 0)
		e = e2;
	return e;
}

/* Build metadata at i: "+" and dot-separated identifiers; its end */
static int
MatchBuild(const Scan *sc, int i)
{
	int			e;

	if (At(sc, i) != '+' || !IsIdentChar(At(sc, i + 1)))
		return -1;
	e = sc->ident_end[i + 1];
	while (At(sc, e) == '.' && IsIdentChar(At(sc, e + 1)))
		e = sc->ident_end[e + 1];
	return e;
}

/*
 * node's XRANGEPLAIN at i, greedily: [v= ]* M(.m(.p(-pre)?(+build)?)?)?.
 * Returns false if there is no match at i.  Where the pattern is anchored,
 * the caller checks what follows x->end: every shorter match ends before a
 * character that no anchored continuation accepts, so the greedy match is
 * the only candidate, as with node's backtracking.
 */
static bool
MatchXrangePlain(const Scan *sc, int i, XPlain *x)
{
	int			j = sc->prefix_end[i];
	int			e;
	int			e2;

	memset(x, 0, sizeof(XPlain));
	x->start = i;
	if ((e = MatchXrid(sc, j)) < 0)
		return false;
	x->M = j;
	x->Mlen = e - j;
	if (At(sc, e) == '.' && (e2 = MatchXrid(sc, e + 1)) >= 0)
	{
		x->m = e + 1;
		x->mlen = e2 - x->m;
		e = e2;
		if (At(sc, e) == '.' && (e2 = MatchXrid(sc, e + 1)) >= 0)
		{
			x->p = e + 1;
			x->plen = e2 - x->p;
			e = e2;
			if ((e2 = MatchPrerelease(sc, e)) >= 0)
			{
				x->pr = e + 1;
				x->prlen = e2 - x->pr;
				e = e2;
			}
			if ((e2 = MatchBuild(sc, e)) >= 0)
				e = e2;
		}
	}
	x->end = e;
	return true;
}

/*
 * node's LOOSEPLAIN at i, unanchored: [v= ]* digits.digits.digits, then a
 * loose pre-release (optional "-", identifier runs) and build; its end.
 */
static int
MatchLoosePlain(const Scan *sc, int i)
{
	int			j = sc->prefix_end[i];
	int			k;
	int			e;

	for (k = 0; k < 3; k++)
	{
		if (k > 0)
		{
			if (At(sc, j) != '.')
				return -1;
			j++;
		}
		if (sc->digit_end[j] == j)
			return -1;
		j = sc->digit_end[j];
	}
	if (IsIdentChar(At(sc, j)))
	{
		j = sc->ident_end[j];
		while (At(sc, j) == '.' && IsIdentChar(At(sc, j + 1)))
			j = sc->ident_end[j + 1];
	}
	if ((e = MatchBuild(sc, j)) >= 0)
		j = e;
	return j;
}

/* JavaScript's isX: an absent part, "x", "X" or "*" */
static bool
IsX(const Scan *sc, int off, int len)
{
	char		c;

	if (len == 0)
		return true;
	c = sc->s[off];
	return len == 1 && (c == 'x' || c == 'X' || c == '*');
}

/* Whether the part is the string "0" */
static bool
IsZero(const Scan *sc, int off, int len)
{
	return len == 1 && sc->s[off] == '0';
}

/* Append the part at off/len */
static void
AppendPart(StringInfo out, const Scan *sc, int off, int len)
{
	appendBinaryStringInfo(out, sc->s + off, len);
}

/* Append number+1 for a decimal part; false (and a detail) on overflow */
static bool
AppendIncrement(RangeParse *st, StringInfo out, const Scan *sc, int off, int len)
{
	int64		v = 0;
	int			i;

	for (i = 0; i < len; i++)
	{
		int			d = sc->s[off + i] - '0';

		if (v > (PG_INT64_MAX - d) / 10)
			v = PG_INT64_MAX;
		else
			v = v * 10 + d;
	}
	if (v == PG_INT64_MAX)
	{
		st->detail = psprintf("Comparator set \"%s\" needs the number after %.*s, which exceeds the maximum " INT64_FORMAT ".",
							  st->settext, len, sc->s + off, PG_INT64_MAX);
		return false;
	}
	appendStringInfo(out, INT64_FORMAT, v + 1);
	return true;
}

/* Trim JavaScript white space from both ends into a new string */
static char *
TrimSpaces(const char *s, int len)
{
	while (len > 0 && IsSpaceChar(s[0]))
		s++, len--;
	while (len > 0 && IsSpaceChar(s[len - 1]))
		len--;
	return pnstrdup(s, len);
}

/* Step 2: delete every "+identifier(.identifier)*" */
static char *
StripBuild(const char *s)
{
	Scan		sc;
	StringInfoData out;
	int			i = 0;

	ScanInit(&sc, s);
	initStringInfo(&out);
	while (i < sc.n)
	{
		int			e = MatchBuild(&sc, i);

		if (e >= 0)
			i = e;
		else
			appendStringInfoChar(&out, s[i++]);
	}
	ScanFree(&sc);
	return out.data;
}

/*
 * Step 3: a whole set of the form "A - B" (node's HYPHENRANGE) becomes
 * ">=A <=B", with partial versions filled in as node's hyphenReplace does.
 * Sets *result to s itself when s is not a hyphen range.
 */
static bool
ReplaceHyphen(RangeParse *st, const char *s, char **result)
{
	Scan		sc;
	XPlain		f;
	XPlain		t;
	int			i = 0;
	int			e;
	StringInfoData from;
	StringInfoData to;
	StringInfoData out;

	*result = (char *) s;
	ScanInit(&sc, s);
	if (At(&sc, i) == ' ')
		i++;
	if (!MatchXrangePlain(&sc, i, &f) ||
		At(&sc, f.end) != ' ' || At(&sc, f.end + 1) != '-' || At(&sc, f.end + 2) != ' ' ||
		!MatchXrangePlain(&sc, f.end + 3, &t))
		return true;
	e = t.end;
	if (At(&sc, e) == ' ')
		e++;
	if (e != sc.n)
		return true;

	initStringInfo(&from);
	if (IsX(&sc, f.M, f.Mlen))
		;
	else if (IsX(&sc, f.m, f.mlen))
	{
		appendStringInfoString(&from, ">=");
		AppendPart(&from, &sc, f.M, f.Mlen);
		appendStringInfoString(&from, ".0.0");
	}
	else if (IsX(&sc, f.p, f.plen))
	{
		appendStringInfoString(&from, ">=");
		AppendPart(&from, &sc, f.M, f.Mlen);
		appendStringInfoChar(&from, '.');
		AppendPart(&from, &sc, f.m, f.mlen);
		appendStringInfoString(&from, ".0");
	}
	else
	{
		/* the whole capture, "v" or "=" prefix included */
		appendStringInfoString(&from, ">=");
		AppendPart(&from, &sc, f.start, f.end - f.start);
	}

	initStringInfo(&to);
	if (IsX(&sc, t.M, t.Mlen))
		;
	else if (IsX(&sc, t.m, t.mlen))
	{
		appendStringInfoChar(&to, '<');
		if (!AppendIncrement(st, &to, &sc, t.M, t.Mlen))
			return false;
		appendStringInfoString(&to, ".0.0-0");
	}
	else if (IsX(&sc, t.p, t.plen))
	{
		appendStringInfoChar(&to, '<');
		AppendPart(&to, &sc, t.M, t.Mlen);
		appendStringInfoChar(&to, '.');
		if (!AppendIncrement(st, &to, &sc, t.m, t.mlen))
			return false;
		appendStringInfoString(&to, ".0-0");
	}
	else if (t.prlen > 0)
	{
		appendStringInfoString(&to, "<=");
		AppendPart(&to, &sc, t.M, t.Mlen);
		appendStringInfoChar(&to, '.');
		AppendPart(&to, &sc, t.m, t.mlen);
		appendStringInfoChar(&to, '.');
		AppendPart(&to, &sc, t.p, t.plen);
		appendStringInfoChar(&to, '-');
		AppendPart(&to, &sc, t.pr, t.prlen);
	}
	else
	{
		appendStringInfoString(&to, "<=");
		AppendPart(&to, &sc, t.start, t.end - t.start);
	}

	initStringInfo(&out);
	appendStringInfo(&out, "%s %s", from.data, to.data);
	*result = TrimSpaces(out.data, out.len);
	ScanFree(&sc);
	return true;
}

/*
 * Step 4a (node's COMPARATORTRIM, applied globally): at each match of
 * " ?(<|>)?=? ?(LOOSEPLAIN|XRANGEPLAIN)" delete the space between the
 * operator and the version.  Matches are found left to right and do not
 * overlap, exactly like String.prototype.replace with a global pattern.
 */
static char *
TrimComparators(const char *s)
{
	Scan		sc;
	StringInfoData out;
	int			i = 0;

	ScanInit(&sc, s);
	initStringInfo(&out);
	while (i < sc.n)
	{
		int			j = i;
		int			inner = -1;
		int			e;
		XPlain		x;

		if (At(&sc, j) == ' ')
			j++;
		if (At(&sc, j) == '<' || At(&sc, j) == '>')
			j++;
		if (At(&sc, j) == '=')
			j++;
		if (At(&sc, j) == ' ')
			inner = j++;
		/* if the greedy path fails, so does every other: no match at i */
		e = MatchLoosePlain(&sc, j);
		if (e < 0 && MatchXrangePlain(&sc, j, &x))
			e = x.end;
		if (e < 0)
		{
			appendStringInfoChar(&out, s[i++]);
			continue;
		}
		if (inner >= 0)
		{
			appendBinaryStringInfo(&out, s + i, inner - i);
			appendBinaryStringInfo(&out, s + inner + 1, e - inner - 1);
		}
		else
			appendBinaryStringInfo(&out, s + i, e - i);
		i = e;
	}
	ScanFree(&sc);
	return out.data;
}

/*
 * Steps 4b and 4c (node's TILDETRIM and CARETTRIM): " ?~>? " becomes " ?~"
 * and " ?^ " becomes " ?^", globally.
 */
static char *
TrimLoneOperator(const char *s, char op)
{
	int			n = strlen(s);
	StringInfoData out;
	int			i = 0;

	initStringInfo(&out);
	while (i < n)
	{
		int			j = i;
		bool		space = false;
		int			e = -1;

		if (s[j] == ' ' && s[j + 1] == op)
		{
			space = true;
			j++;
		}
		if (s[j] == op)
		{
			if (op == '~' && s[j + 1] == '>' && s[j + 2] == ' ')
				e = j + 3;
			else if (s[j + 1] == ' ')
				e = j + 2;
		}
		if (e < 0)
		{
			appendStringInfoChar(&out, s[i++]);
			continue;
		}
		if (space)
			appendStringInfoChar(&out, ' ');
		appendStringInfoChar(&out, op);
		i = e;
	}
	return out.data;
}

/* Split like JavaScript's s.split(/\s+/): "" gives one empty word */
static List *
SplitWords(const char *s)
{
	List	   *words = NIL;
	const char *start = s;
	const char *p = s;

	for (;;)
	{
		if (*p == '\0' || IsSpaceChar(*p))
		{
			words = lappend(words, pnstrdup(start, p - start));
			if (*p == '\0')
				break;
			while (IsSpaceChar(*p))
				p++;
			start = p;
			continue;
		}
		p++;
	}
	return words;
}

/* Split like JavaScript's s.split(' '): every single space separates */
static List *
SplitOnSpace(const char *s)
{
	List	   *pieces = NIL;
	const char *start = s;
	const char *p;

	for (p = s;; p++)
	{
		if (*p == ' ' || *p == '\0')
		{
			pieces = lappend(pieces, pnstrdup(start, p - start));
			if (*p == '\0')
				break;
			start = p + 1;
		}
	}
	return pieces;
}

/* Join words with single spaces */
static char *
JoinWords(List *words)
{
	StringInfoData out;
	ListCell   *lc;

	initStringInfo(&out);
	foreach(lc, words)
	{
		if (foreach_current_index(lc) > 0)
			appendStringInfoChar(&out, ' ');
		appendStringInfoString(&out, (char *) lfirst(lc));
	}
	return out.data;
}

/* Append ">=M.m.p[-pr]" style pieces: "<op>M.<m>.<p>" */
static void
AppendVersion3(StringInfo out, const char *op, const Scan *sc,
			   int M, int Mlen, int m, int mlen, int p, int plen)
{
	appendStringInfoString(out, op);
	AppendPart(out, sc, M, Mlen);
	appendStringInfoChar(out, '.');
	AppendPart(out, sc, m, mlen);
	appendStringInfoChar(out, '.');
	AppendPart(out, sc, p, plen);
}

/*
 * node's replaceCaret / replaceTilde for one word: "^" or "~" / "~>"
 * followed by an x-range.  The word is returned unchanged if it is not one.
 */
static bool
ReplaceCaretOrTilde(RangeParse *st, const char *word, bool caret, char **result)
{
	Scan		sc;
	XPlain		x;
	int			i = 1;
	StringInfoData out;
	bool		zeroM;

	*result = (char *) word;
	if (word[0] != (caret ? '^' : '~'))
		return true;
	ScanInit(&sc, word);
	if (!caret && word[1] == '>')
		i = 2;
	if (!MatchXrangePlain(&sc, i, &x) || x.end != sc.n)
		return true;

	initStringInfo(&out);
	zeroM = IsZero(&sc, x.M, x.Mlen);
	if (IsX(&sc, x.M, x.Mlen))
		;						/* any version */
	else if (IsX(&sc, x.m, x.mlen))
	{
		/* ^1, ~1: >=1.0.0 <2.0.0-0 */
		appendStringInfoString(&out, ">=");
		AppendPart(&out, &sc, x.M, x.Mlen);
		appendStringInfoString(&out, ".0.0 <");
		if (!AppendIncrement(st, &out, &sc, x.M, x.Mlen))
			return false;
		appendStringInfoString(&out, ".0.0-0");
	}
	else if (IsX(&sc, x.p, x.plen))
	{
		/* ~1.2, ^0.2: >=M.m.0 <M.(m+1).0-0; ^1.2: >=1.2.0 <2.0.0-0 */
		appendStringInfoString(&out, ">=");
		AppendPart(&out, &sc, x.M, x.Mlen);
		appendStringInfoChar(&out, '.');
		AppendPart(&out, &sc, x.m, x.mlen);
		appendStringInfoString(&out, ".0 <");
		if (!caret || zeroM)
		{
			AppendPart(&out, &sc, x.M, x.Mlen);
			appendStringInfoChar(&out, '.');
			if (!AppendIncrement(st, &out, &sc, x.m, x.mlen))
				return false;
			appendStringInfoString(&out, ".0-0");
		}
		else
		{
			if (!AppendIncrement(st, &out, &sc, x.M, x.Mlen))
				return false;
			appendStringInfoString(&out, ".0.0-0");
		}
	}
	else
	{
		/* full version, with or without a pre-release */
		AppendVersion3(&out, ">=", &sc, x.M, x.Mlen, x.m, x.mlen, x.p, x.plen);
		if (x.prlen > 0)
		{
			appendStringInfoChar(&out, '-');
			AppendPart(&out, &sc, x.pr, x.prlen);
		}
		appendStringInfoString(&out, " <");
		if (caret && zeroM && IsZero(&sc, x.m, x.mlen))
		{
			/* ^0.0.3: <0.0.4-0 */
			AppendPart(&out, &sc, x.M, x.Mlen);
			appendStringInfoChar(&out, '.');
			AppendPart(&out, &sc, x.m, x.mlen);
			appendStringInfoChar(&out, '.');
			if (!AppendIncrement(st, &out, &sc, x.p, x.plen))
				return false;
			appendStringInfoString(&out, "-0");
		}
		else if (!caret || zeroM)
		{
			/* ~1.2.3, ^0.2.3: <M.(m+1).0-0 */
			AppendPart(&out, &sc, x.M, x.Mlen);
			appendStringInfoChar(&out, '.');
			if (!AppendIncrement(st, &out, &sc, x.m, x.mlen))
				return false;
			appendStringInfoString(&out, ".0-0");
		}
		else
		{
			/* ^1.2.3: <2.0.0-0 */
			if (!AppendIncrement(st, &out, &sc, x.M, x.Mlen))
				return false;
			appendStringInfoString(&out, ".0.0-0");
		}
	}
	*result = out.data;
	ScanFree(&sc);
	return true;
}

/*
 * node's replaceXRange for one word: an optional operator and an x-range.
 * Words without an x (full versions) and words that are not x-ranges come
 * back unchanged.
 */
static bool
ReplaceXRange(RangeParse *st, const char *word, char **result)
{
	Scan		sc;
	XPlain		x;
	int			i = 0;
	char		gtlt[3];
	bool		xM;
	bool		xm;
	bool		xp;
	StringInfoData out;

	*result = (char *) word;
	ScanInit(&sc, word);
	if (word[i] == '<' || word[i] == '>')
		i++;
	if (word[i] == '=')
		i++;
	memcpy(gtlt, word, i);
	gtlt[i] = '\0';
	if (word[i] == ' ')
		i++;
	if (!MatchXrangePlain(&sc, i, &x) || x.end != sc.n)
		return true;

	/* invalidXRangeOrder: "x.1", "1.x.1" stay as they are (and fail later) */
	if ((IsX(&sc, x.M, x.Mlen) && !IsX(&sc, x.m, x.mlen)) ||
		(IsX(&sc, x.m, x.mlen) && x.plen > 0 && !IsX(&sc, x.p, x.plen)))
		return true;

	xM = IsX(&sc, x.M, x.Mlen);
	xm = xM || IsX(&sc, x.m, x.mlen);
	xp = xm || IsX(&sc, x.p, x.plen);
	if (!xp)
		return true;			/* no x at all */
	if (strcmp(gtlt, "=") == 0)
		gtlt[0] = '\0';

	initStringInfo(&out);
	if (xM)
	{
		/* >* and <* allow nothing; anything else allows everything */
		if (strcmp(gtlt, ">") == 0 || strcmp(gtlt, "<") == 0)
			appendStringInfoString(&out, "<0.0.0-0");
		else
			appendStringInfoChar(&out, '*');
	}
	else if (gtlt[0] != '\0')
	{
		bool		incM = false;
		bool		incm = false;

		if (strcmp(gtlt, ">") == 0)
		{
			/* >1 => >=2.0.0, >1.2 => >=1.3.0 */
			strcpy(gtlt, ">=");
			incM = xm;
			incm = !xm;
		}
		else if (strcmp(gtlt, "<=") == 0)
		{
			/* <=1 => <2.0.0-0, <=1.2 => <1.3.0-0 */
			strcpy(gtlt, "<");
			incM = xm;
			incm = !xm;
		}
		appendStringInfoString(&out, gtlt);
		if (incM)
		{
			if (!AppendIncrement(st, &out, &sc, x.M, x.Mlen))
				return false;
		}
		else
			AppendPart(&out, &sc, x.M, x.Mlen);
		appendStringInfoChar(&out, '.');
		if (xm)
			appendStringInfoChar(&out, '0');
		else if (incm)
		{
			if (!AppendIncrement(st, &out, &sc, x.m, x.mlen))
				return false;
		}
		else
			AppendPart(&out, &sc, x.m, x.mlen);
		appendStringInfoString(&out, ".0");
		if (strcmp(gtlt, "<") == 0)
			appendStringInfoString(&out, "-0");
	}
	else if (xm)
	{
		/* 1.x: >=1.0.0 <2.0.0-0 */
		appendStringInfoString(&out, ">=");
		AppendPart(&out, &sc, x.M, x.Mlen);
		appendStringInfoString(&out, ".0.0 <");
		if (!AppendIncrement(st, &out, &sc, x.M, x.Mlen))
			return false;
		appendStringInfoString(&out, ".0.0-0");
	}
	else
	{
		/* 1.2.x: >=1.2.0 <1.3.0-0 */
		appendStringInfoString(&out, ">=");
		AppendPart(&out, &sc, x.M, x.Mlen);
		appendStringInfoChar(&out, '.');
		AppendPart(&out, &sc, x.m, x.mlen);
		appendStringInfoString(&out, ".0 <");
		AppendPart(&out, &sc, x.M, x.Mlen);
		appendStringInfoChar(&out, '.');
		if (!AppendIncrement(st, &out, &sc, x.m, x.mlen))
			return false;
		appendStringInfoString(&out, ".0-0");
	}
	*result = out.data;
	ScanFree(&sc);
	return true;
}

/*
 * node's replaceStars: delete the first match of "(<|>)?=? ?\*" (so "1.2.3*"
 * becomes "1.2.3", as in node).
 */
static char *
ReplaceStars(const char *s)
{
	int			n = strlen(s);
	int			start;

	for (start = 0; start < n; start++)
	{
		int			a;
		int			b;
		int			c;

		/* try the optional parts greedily first, as a backtracking engine */
		for (a = 1; a >= 0; a--)
		{
			int			j1 = start;

			if (a == 1 && !(s[j1] == '<' || s[j1] == '>'))
				continue;
			j1 += a;
			for (b = 1; b >= 0; b--)
			{
				int			j2 = j1;

				if (b == 1 && s[j2] != '=')
					continue;
				j2 += b;
				for (c = 1; c >= 0; c--)
				{
					int			j3 = j2;

					if (c == 1 && s[j3] != ' ')
						continue;
					j3 += c;
					if (s[j3] == '*')
					{
						StringInfoData out;

						initStringInfo(&out);
						appendBinaryStringInfo(&out, s, start);
						appendStringInfoString(&out, s + j3 + 1);
						return out.data;
					}
				}
			}
		}
	}
	return (char *) s;
}

/*
 * node's parseComparator for one space-free word: caret, tilde, x-range and
 * star rewrites.  Appends the resulting words to *words.
 */
static bool
ExpandWord(RangeParse *st, const char *word, List **words)
{
	char	   *s;
	List	   *parts;
	ListCell   *lc;
	char	   *r;

	/* replaceCarets */
	if (!ReplaceCaretOrTilde(st, word, true, &s))
		return false;

	/* replaceTildes: trim, split, map, join */
	parts = SplitWords(TrimSpaces(s, strlen(s)));
	foreach(lc, parts)
	{
		if (!ReplaceCaretOrTilde(st, lfirst(lc), false, &r))
			return false;
		lfirst(lc) = r;
	}
	s = JoinWords(parts);

	/* replaceXRanges: split, map (each trimmed), join */
	parts = SplitWords(s);
	foreach(lc, parts)
	{
		char	   *w = (char *) lfirst(lc);

		if (!ReplaceXRange(st, TrimSpaces(w, strlen(w)), &r))
			return false;
		lfirst(lc) = r;
	}
	s = JoinWords(parts);

	/* replaceStars */
	s = ReplaceStars(TrimSpaces(s, strlen(s)));

	*words = list_concat(*words, SplitWords(s));
	return true;
}

/*
 * Describe an invalid comparator for the error detail: where it is in the
 * range as given, or, if the rewrites made it up, which set it came from.
 */
static void
SetComparatorDetail(RangeParse *st, const char *word)
{
	size_t		len = strlen(word);
	const char *found = NULL;
	const char *p;

	/* prefer an occurrence delimited by spaces, else take the first */
	for (p = strstr(st->settext, word); p != NULL; p = strstr(p + 1, word))
	{
		if ((p == st->settext || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
		{
			found = p;
			break;
		}
	}
	if (found == NULL)
		found = strstr(st->settext, word);

	if (found != NULL)
	{
		int			offset = st->rawmap[st->setoffset + (found - st->settext)];

		st->detail = psprintf("\"%s\" at character %d is not a valid comparator.",
							  word, pg_mbstrlen_with_len(st->original, offset) + 1);
	}
	else
		st->detail = psprintf("Comparator set \"%s\" expands to \"%s\", which is not a valid comparator.",
							  st->settext, word);
}

/*
 * node's Comparator: an operator (<, <=, >, >=, = or none), then a full
 * version with an optional "v".
 */
static bool
ParseComparatorWord(RangeParse *st, const char *word, ParsedComparator *c)
{
	int			i = 0;
	const char *opstr;
	char	   *detail;
	Semver	   *version;
	SemverParseStatus status;

	if (word[i] == '<' || word[i] == '>')
		i++;
	if (word[i] == '=')
		i++;
	if (i == 2)
		opstr = (word[0] == '<') ? "<=" : ">=";
	else if (i == 1 && word[0] != '=')
		opstr = (word[0] == '<') ? "<" : ">";
	else
		opstr = "";
	if (strcmp(opstr, "<") == 0)
		c->op = SEMVER_OP_LT;
	else if (strcmp(opstr, "<=") == 0)
		c->op = SEMVER_OP_LE;
	else if (strcmp(opstr, ">") == 0)
		c->op = SEMVER_OP_GT;
	else if (strcmp(opstr, ">=") == 0)
		c->op = SEMVER_OP_GE;
	else
		c->op = SEMVER_OP_EQ;

	if (word[i] == 'v')
		i++;
	status = SemverParse(word + i, strlen(word + i), &version, &detail);
	if (status == SEMVER_PARSE_OVERFLOW)
	{
		st->detail = psprintf("The version in comparator \"%s\" has a number larger than " INT64_FORMAT ".",
							  word, PG_INT64_MAX);
		return false;
	}
	if (status != SEMVER_PARSE_OK)
	{
		SetComparatorDetail(st, word);
		return false;
	}
	c->version = version;
	c->value = psprintf("%s%s", opstr, SemverToCString(version, false));
	return true;
}

/* qsort comparator: by value, then by position in the set */
static int
CompareComparatorValues(const void *a, const void *b)
{
	const ParsedComparator *ca = *(ParsedComparator *const *) a;
	const ParsedComparator *cb = *(ParsedComparator *const *) b;
	int			c = strcmp(ca->value, cb->value);

	if (c != 0)
		return c;
	return (ca->position > cb->position) - (ca->position < cb->position);
}

/*
 * node's Range.parseRange for one comparator set (trimmed, white space
 * collapsed): the comparators, duplicates removed, in first-seen order.  A
 * set containing "<0.0.0-0" is that comparator alone; an empty result means
 * any version.
 */
static bool
ParseComparatorSet(RangeParse *st, const char *settext, int setoffset,
				   List **result)
{
	char	   *s;
	List	   *pieces;
	List	   *words = NIL;
	List	   *comparators = NIL;
	ListCell   *lc;
	ParsedComparator **byvalue;
	int			n;
	int			i;

	st->settext = settext;
	st->setoffset = setoffset;
	s = StripBuild(settext);
	if (!ReplaceHyphen(st, s, &s))
		return false;
	s = TrimComparators(s);
	s = TrimLoneOperator(s, '~');
	s = TrimLoneOperator(s, '^');

	/* split(' ') into words and expand each */
	pieces = SplitOnSpace(s);
	foreach(lc, pieces)
	{
		CHECK_FOR_INTERRUPTS();
		if (!ExpandWord(st, (char *) lfirst(lc), &words))
			return false;
	}

	/* every word must be a valid comparator before anything else */
	foreach(lc, words)
	{
		char	   *w = (char *) lfirst(lc);
		ParsedComparator *c;

		/* the empty word and ">=0.0.0" (node's replaceGTE0) mean any */
		if (w[0] == '\0' || strcmp(w, ">=0.0.0") == 0)
			continue;
		c = palloc(sizeof(ParsedComparator));
		if (!ParseComparatorWord(st, w, c))
			return false;
		comparators = lappend(comparators, c);
	}

	/* the null set: nothing satisfies it */
	foreach(lc, comparators)
	{
		ParsedComparator *c = (ParsedComparator *) lfirst(lc);

		if (strcmp(c->value, "<0.0.0-0") == 0)
		{
			*result = list_make1(c);
			return true;
		}
	}

	/* drop repeated comparators, keeping the first of each (by sorting) */
	n = list_length(comparators);
	*result = NIL;
	if (n == 0)
		return true;
	byvalue = palloc(n * sizeof(ParsedComparator *));
	foreach(lc, comparators)
	{
		ParsedComparator *c = (ParsedComparator *) lfirst(lc);

		c->position = foreach_current_index(lc);
		c->repeated = false;
		byvalue[c->position] = c;
	}
	qsort(byvalue, n, sizeof(ParsedComparator *), CompareComparatorValues);
	for (i = 1; i < n; i++)
	{
		if (strcmp(byvalue[i]->value, byvalue[i - 1]->value) == 0)
			byvalue[i]->repeated = true;
	}
	foreach(lc, comparators)
	{
		ParsedComparator *c = (ParsedComparator *) lfirst(lc);

		if (!c->repeated)
			*result = lappend(*result, c);
	}
	return true;
}

/* Whether a parsed set is node's null set, "<0.0.0-0" */
static bool
IsNullSet(List *set)
{
	return list_length(set) == 1 &&
		strcmp(((ParsedComparator *) linitial(set))->value, "<0.0.0-0") == 0;
}

/*
 * Parse a range into lists of ParsedComparator (node's Range constructor),
 * in the current memory context.  Returns NIL and sets st->detail if invalid.
 */
static List *
ParseRangeSets(RangeParse *st, const char *text)
{
	StringInfoData raw;
	const char *p;
	char	   *rawtext;
	List	   *sets = NIL;
	char	   *start;
	char	   *bar;

	/* trim and collapse white space, remembering where each byte was */
	initStringInfo(&raw);
	st->rawmap = palloc((strlen(text) + 1) * sizeof(int));
	for (p = text; *p; p++)
	{
		if (IsSpaceChar(*p))
		{
			while (IsSpaceChar(p[1]))
				p++;
			if (raw.len > 0 && p[1] != '\0')
			{
				st->rawmap[raw.len] = p - text;
				appendStringInfoChar(&raw, ' ');
			}
		}
		else
		{
			st->rawmap[raw.len] = p - text;
			appendStringInfoChar(&raw, *p);
		}
	}
	st->rawmap[raw.len] = p - text;
	rawtext = raw.data;

	/* split on "||" */
	start = rawtext;
	for (;;)
	{
		List	   *set;
		int			lead = 0;

		bar = strstr(start, "||");
		if (bar != NULL)
			*bar = '\0';
		while (start[lead] == ' ')
			lead++;
		if (!ParseComparatorSet(st, TrimSpaces(start, strlen(start)),
								(start - rawtext) + lead, &set))
			return NIL;
		sets = lappend(sets, set);
		if (bar == NULL)
			break;
		start = bar + 2;
	}

	/* throw out null sets, unless all are; a "*" set makes the range "*" */
	if (list_length(sets) > 1)
	{
		List	   *first = (List *) linitial(sets);
		List	   *kept = NIL;
		ListCell   *lc;

		foreach(lc, sets)
		{
			if (!IsNullSet((List *) lfirst(lc)))
				kept = lappend(kept, lfirst(lc));
		}
		if (kept == NIL)
			sets = list_make1(first);
		else
		{
			sets = kept;
			if (list_length(sets) > 1)
			{
				foreach(lc, sets)
				{
					if (lfirst(lc) == NIL)
					{
						sets = list_make1(NIL);
						break;
					}
				}
			}
		}
	}
	return sets;
}

/* Copy parsed sets into a SemverRange in the given context */
static SemverRange *
BuildRange(List *sets, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	SemverRange *range = palloc(sizeof(SemverRange));
	ListCell   *lc;

	range->nsets = list_length(sets);
	range->sets = palloc0(range->nsets * sizeof(SemverComparatorSet));
	foreach(lc, sets)
	{
		List	   *set = (List *) lfirst(lc);
		SemverComparatorSet *out = &range->sets[foreach_current_index(lc)];
		ListCell   *lc2;

		out->ncomparators = list_length(set);
		out->comparators = (out->ncomparators > 0) ?
			palloc(out->ncomparators * sizeof(SemverComparator)) : NULL;
		foreach(lc2, set)
		{
			ParsedComparator *c = (ParsedComparator *) lfirst(lc2);
			SemverComparator *oc = &out->comparators[foreach_current_index(lc2)];

			oc->op = c->op;
			oc->version = (Semver *) palloc(VARSIZE(c->version));
			memcpy(oc->version, c->version, VARSIZE(c->version));
		}
	}
	MemoryContextSwitchTo(old);
	return range;
}

/*
 * Parse a range; NULL if it is invalid, with *errdetail (if not NULL) saying
 * why.  The result is allocated in the current memory context; the parser's
 * scratch memory is freed.
 */
SemverRange *
SemverRangeTryParse(const char *text, char **errdetail)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext scratch;
	RangeParse	st;
	List	   *sets;
	SemverRange *range = NULL;

	scratch = AllocSetContextCreate(caller, "datamesh semver range parse",
									ALLOCSET_SMALL_SIZES);
	MemoryContextSwitchTo(scratch);
	st.original = text;
	st.rawmap = NULL;
	st.settext = text;
	st.setoffset = 0;
	st.detail = NULL;
	sets = ParseRangeSets(&st, text);
	MemoryContextSwitchTo(caller);
	if (st.detail == NULL)
		range = BuildRange(sets, caller);
	else if (errdetail != NULL)
		*errdetail = pstrdup(st.detail);
	MemoryContextDelete(scratch);
	return range;
}

/* Parse a range or raise an error saying what is wrong with it */
SemverRange *
ParseSemverRange(const char *text)
{
	char	   *detail = NULL;
	SemverRange *range = SemverRangeTryParse(text, &detail);

	if (range == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid semver range: \"%s\"", text),
				 errdetail("%s", detail)));
	return range;
}

/* node's testSet: every comparator holds, and the pre-release rule */
static bool
SetSatisfies(const SemverComparatorSet *set, const Semver *version,
			 const SemverParts *vp)
{
	int			i;

	for (i = 0; i < set->ncomparators; i++)
	{
		const SemverComparator *c = &set->comparators[i];
		int			cmp = SemverCompare(version, c->version);
		bool		ok = false;

		switch (c->op)
		{
			case SEMVER_OP_EQ:
				ok = (cmp == 0);
				break;
			case SEMVER_OP_LT:
				ok = (cmp < 0);
				break;
			case SEMVER_OP_LE:
				ok = (cmp <= 0);
				break;
			case SEMVER_OP_GT:
				ok = (cmp > 0);
				break;
			case SEMVER_OP_GE:
				ok = (cmp >= 0);
				break;
		}
		if (!ok)
			return false;
	}

	/*
	 * A pre-release satisfies the set only if some comparator of the set has
	 * a pre-release on the same major.minor.patch (the "-0" bounds that
	 * tilde, caret and x-ranges add count too, as in node).
	 */
	if (vp->prerelease_len > 0)
	{
		for (i = 0; i < set->ncomparators; i++)
		{
			SemverParts cp;

			SemverGetParts(set->comparators[i].version, &cp);
			if (cp.prerelease_len > 0 && cp.major == vp->major &&
				cp.minor == vp->minor && cp.patch == vp->patch)
				return true;
		}
		return false;
	}
	return true;
}

/* Whether the version satisfies some comparator set of the range */
bool
SemverRangeSatisfies(const SemverRange *range, const Semver *version)
{
	SemverParts vp;
	int			i;

	SemverGetParts(version, &vp);
	for (i = 0; i < range->nsets; i++)
	{
		if (SetSatisfies(&range->sets[i], version, &vp))
			return true;
	}
	return false;
}

/* node's Range.range (validRange): e.g. ">=1.2.0 <2.0.0-0||3.0.0", or "*" */
char *
SemverRangeFormat(const SemverRange *range)
{
	static const char *const opnames[] = {"", "<", "<=", ">", ">="};
	StringInfoData out;
	int			i;
	int			k;

	initStringInfo(&out);
	for (i = 0; i < range->nsets; i++)
	{
		if (i > 0)
			appendStringInfoString(&out, "||");
		for (k = 0; k < range->sets[i].ncomparators; k++)
		{
			const SemverComparator *c = &range->sets[i].comparators[k];
			char	   *v = SemverToCString(c->version, false);

			if (k > 0)
				appendStringInfoChar(&out, ' ');
			appendStringInfo(&out, "%s%s", opnames[c->op], v);
			pfree(v);
		}
	}
	if (out.len == 0)
		appendStringInfoChar(&out, '*');
	return out.data;
}

/* fn_extra cache of the last range parsed by a call site */
typedef struct RangeCache
{
	MemoryContext cxt;			/* holds key and range; reset on a miss */
	char	   *key;
	int			keylen;
	SemverRange *range;
} RangeCache;

/* The parsed range for rangetext, from the call site's cache if it is there */
static SemverRange *
CachedRange(FunctionCallInfo fcinfo, text *rangetext)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	RangeCache *cache = (RangeCache *) flinfo->fn_extra;
	const char *str = VARDATA_ANY(rangetext);
	int			len = VARSIZE_ANY_EXHDR(rangetext);
	MemoryContext old;
	char	   *key;
	SemverRange *range;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(RangeCache));
		cache->cxt = AllocSetContextCreate(flinfo->fn_mcxt,
										   "datamesh semver range cache",
										   ALLOCSET_SMALL_SIZES);
		flinfo->fn_extra = cache;
	}
	if (cache->range != NULL && cache->keylen == len &&
		memcmp(cache->key, str, len) == 0)
		return cache->range;

	cache->range = NULL;
	MemoryContextReset(cache->cxt);
	old = MemoryContextSwitchTo(cache->cxt);
	key = pnstrdup(str, len);
	range = ParseSemverRange(key);
	MemoryContextSwitchTo(old);
	cache->key = key;
	cache->keylen = len;
	cache->range = range;
	return range;
}

/* satisfies(version, range): node-semver's satisfies() with default options */
Datum
satisfies(PG_FUNCTION_ARGS)
{
	Semver	   *version = PG_GETARG_SEMVER_P(0);
	SemverRange *range = CachedRange(fcinfo, PG_GETARG_TEXT_PP(1));

	PG_RETURN_BOOL(SemverRangeSatisfies(range, version));
}

/* semver_range_valid(range): whether the range parses; never raises */
Datum
semver_range_valid(PG_FUNCTION_ARGS)
{
	char	   *str = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PG_RETURN_BOOL(SemverRangeTryParse(str, NULL) != NULL);
}

/* semver_range_normalize(range): the range as comparators, like validRange */
Datum
semver_range_normalize(PG_FUNCTION_ARGS)
{
	char	   *str = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PG_RETURN_TEXT_P(cstring_to_text(SemverRangeFormat(ParseSemverRange(str))));
}

/*
 * max_satisfying(versions, range): the highest version in the array that
 * satisfies the range, or NULL; NULL elements are skipped.  Of versions equal
 * in precedence (differing in build metadata) the first one wins, as in
 * node's maxSatisfying.
 */
Datum
max_satisfying(PG_FUNCTION_ARGS)
{
	ArrayType  *versions = PG_GETARG_ARRAYTYPE_P(0);
	SemverRange *range = CachedRange(fcinfo, PG_GETARG_TEXT_PP(1));
	Oid			elemtype = ARR_ELEMTYPE(versions);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int			i;
	Semver	   *best = NULL;
	Semver	   *result;

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(versions, elemtype, typlen, typbyval, typalign,
					  &elems, &nulls, &nelems);
	for (i = 0; i < nelems; i++)
	{
		Semver	   *v;

		if (nulls[i])
			continue;
		v = DatumGetSemverP(elems[i]);
		if (SemverRangeSatisfies(range, v) &&
			(best == NULL || SemverCompare(best, v) < 0))
			best = v;
	}
	if (best == NULL)
		PG_RETURN_NULL();
	/* a copy with a regular 4-byte header */
	result = (Semver *) palloc(VARHDRSZ + VARSIZE_ANY_EXHDR(best));
	SET_VARSIZE(result, VARHDRSZ + VARSIZE_ANY_EXHDR(best));
	memcpy(VARDATA(result), VARDATA_ANY(best), VARSIZE_ANY_EXHDR(best));
	PG_RETURN_SEMVER_P(result);
}
