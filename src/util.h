/*
 * util.h
 *		Small helpers shared by the datamesh C sources.
 */
#ifndef DATAMESH_UTIL_H
#define DATAMESH_UTIL_H

#include <stdarg.h>

#include "utils/numeric.h"

extern char *FormatV(const char *fmt, va_list args) pg_attribute_printf(1, 0);
extern int	NumCmp(Numeric a, Numeric b);

#endif							/* DATAMESH_UTIL_H */
