/*
 * util.c
 *		Small helpers shared by the datamesh C sources: printf-style
 *		formatting of a va_list into a palloc'd string, numeric comparison.
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/fmgrprotos.h"

#include "util.h"

/* A palloc'd string formatted from fmt and a va_list (which stays usable) */
char *
FormatV(const char *fmt, va_list args)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (;;)
	{
		va_list		copy;
		int			needed;

		va_copy(copy, args);
		needed = appendStringInfoVA(&buf, fmt, copy);
		va_end(copy);
		if (needed == 0)
			break;
		enlargeStringInfo(&buf, needed);
	}
	return buf.data;
}

/* Compare two numerics: negative, zero or positive */
int
NumCmp(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a),
											 NumericGetDatum(b)));
}
