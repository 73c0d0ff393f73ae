/*
 * contract_compat.h
 *		The internal model of a contract schema (native, Avro or JSON Schema)
 *		shared by the schema reader (contract_schema.c) and the compatibility
 *		checker (contract_compat.c).
 */
#ifndef CONTRACT_COMPAT_H
#define CONTRACT_COMPAT_H

#include "utils/jsonb.h"
#include "utils/numeric.h"

/* How a schema was written; decides which resolution rules apply */
typedef enum SchemaFormat
{
	SF_NATIVE,
	SF_AVRO,
	SF_JSON_SCHEMA
} SchemaFormat;

/* Kinds of types: Avro's, then the SQL types native contracts add */
typedef enum CKind
{
	CK_NULL,
	CK_BOOLEAN,
	CK_INT,
	CK_LONG,
	CK_FLOAT,
	CK_DOUBLE,
	CK_BYTES,
	CK_STRING,
	CK_RECORD,
	CK_ENUM,
	CK_ARRAY,
	CK_MAP,
	CK_UNION,
	CK_FIXED,
	/* native (SQL) kinds */
	CK_SMALLINT,
	CK_NUMERIC,
	CK_DATE,
	CK_TIME,
	CK_TIMESTAMP,
	CK_TIMESTAMPTZ,
	CK_INTERVAL,
	CK_UUID,
	CK_JSON
} CKind;

struct CField;
struct fieldmap_hash;

/* One type node; named types (record, enum, fixed) are shared by reference */
typedef struct CType
{
	CKind		kind;
	const char *name;			/* unqualified name of a named type */
	const char *fullname;		/* namespace-qualified name */
	int			naliases;
	const char **aliases;		/* full names */
	const char *doc;
	const char *logical;		/* Avro logicalType, or NULL */
	/* record */
	int			nfields;
	struct CField *fields;
	struct fieldmap_hash *byname;	/* name -> field index */
	struct fieldmap_hash *byalias;	/* field alias -> field index, or NULL */
	/* enum */
	int			nsymbols;
	const char **symbols;
	const char *enum_default;
	/* array items, map values */
	struct CType *items;
	/* union */
	int			nbranches;
	struct CType **branches;
	/* fixed size; string max length (-1 unbounded); numeric precision/scale */
	int			size;
	int			maxlen;
	int			precision;		/* -1: unconstrained numeric */
	int			scale;
	const char *written;		/* the type as written (JSON text) */
} CType;

/* One field of a record */
typedef struct CField
{
	const char *name;
	int			naliases;
	const char **aliases;
	CType	   *type;
	const char *type_written;	/* the type as written, or NULL: see type_json */
	JsonbValue *type_json;		/* the type's JSON value */
	bool		has_default;
	JsonbValue *default_json;	/* NULL when has_default is false */
	const char *doc;
	bool		nullable;
	bool		required;
	bool		pii;
	const char *classification;
	Numeric		min_value;
	Numeric		max_value;
	int			nenum;
	const char **enum_values;
	const char *pattern;
	bool		is_unique;
} CField;

/* A parsed schema: its format and root type (a record) */
typedef struct CSchema
{
	SchemaFormat format;
	CType	   *root;
} CSchema;

/* contract_compat.c */
extern MemoryContext CompatScratchBegin(void);
extern void CompatScratchEnd(MemoryContext old);

/* contract_schema.c */
extern CSchema *ParseContractSchema(Jsonb *schema, const char *argname);
extern char *SqlTypeOf(const CType *t);
extern int	CFieldLookup(const CType *rec, const char *name);
extern int	CFieldLookupAlias(const CType *rec, const char *alias);
extern const char *SchemaFormatName(SchemaFormat f);
extern char *CFieldTypeText(const CField *f);
extern Jsonb *CFieldDefault(const CField *f);
extern bool CFieldDefaultsEqual(const CField *a, const CField *b);
extern const char *CKindName(CKind k);
extern char *CTypeDisplay(const CType *t);

#endif							/* CONTRACT_COMPAT_H */
