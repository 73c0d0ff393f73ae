/*
 * lineage.c
 *		Lineage traversal: the product graph and the column graph are read
 *		into a per-backend cache (one scan of their edge views), then walked
 *		breadth first in C.
 *
 * The graphs come from the views datamesh.lineage_edges (product level:
 * input ports and dependencies of current versions, column-implied edges,
 * OpenLineage jobs) and datamesh.column_lineage_edges (column level).  Each
 * is loaded once and kept in CacheMemoryContext until one of the tables
 * behind the views changes: a statement trigger on those tables
 * (datamesh._lineage_invalidate) sends a relcache invalidation for the
 * empty sentinel table datamesh.lineage_sentinel (no query reads it, so no
 * cached plan is thrown away with the graphs), which every backend receives at
 * its next transaction or lock acquisition (and the writing backend at its
 * next command), and the relcache callback below marks the cache stale.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(datamesh_lineage);
PG_FUNCTION_INFO_V1(datamesh_column_lineage);
PG_FUNCTION_INFO_V1(datamesh_lineage_graph);
PG_FUNCTION_INFO_V1(datamesh_lineage_cache_stats);
PG_FUNCTION_INFO_V1(datamesh_lineage_invalidate);

/* Which graph */
typedef enum GraphKind
{
	PRODUCT_GRAPH,
	COLUMN_GRAPH,
	NUM_GRAPHS
} GraphKind;

/* Kinds of product-graph nodes (index into the node_type texts) */
#define NODE_PRODUCT	0
#define NODE_JOB		1
#define NODE_DATASET	2

/* Traversal directions (bit mask) */
#define DIR_DOWNSTREAM	1
#define DIR_UPSTREAM	2

/* A node name and its number, in the graph's hash table */
typedef struct NodeEntry
{
	const char *name;
	int			id;
	uint32		hash;
	char		status;
} NodeEntry;

#define SH_PREFIX nodemap
#define SH_ELEMENT_TYPE NodeEntry
#define SH_KEY_TYPE const char *
#define SH_KEY name
#define SH_HASH_KEY(tb, key) hash_bytes((const unsigned char *) (key), strlen(key))
#define SH_EQUAL(tb, a, b) (strcmp((a), (b)) == 0)
#define SH_SCOPE static inline
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_DEFINE
#define SH_DECLARE
#include "lib/simplehash.h"

/* sort_ints(int *, size_t): an inlined sort of plain ints */
#define ST_SORT sort_ints
#define ST_ELEMENT_TYPE int
#define ST_COMPARE(a, b) ((*(a) > *(b)) - (*(a) < *(b)))
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * A directed graph in compressed sparse row form.  Node names are product
 * ids, "job:<namespace>/<name>", "dataset:<namespace>/<name>" (product
 * graph) or "<product_id>.<column>" (column graph; product ids have no dots).
 */
typedef struct LineageGraph
{
	MemoryContext cxt;
	int			nnodes;
	char	  **names;
	nodemap_hash *index;
	int			nedges;
	int		   *edge_src;
	int		   *edge_dst;
	int		   *edge_type;		/* index into types */
	bool	   *edge_propagates;	/* column graph: tags flow along it */
	int			ntypes;
	char	  **types;
	int		   *out_start;		/* nnodes + 1 offsets into out_edges */
	int		   *out_edges;		/* edge numbers, sorted by target name */
	int		   *in_start;
	int		   *in_edges;		/* edge numbers, sorted by source name */
	int		   *out_far;		/* per out_edges entry: its target node */
	int		   *in_far;			/* per in_edges entry: its source node */
	int		   *rank;			/* per node: position in name (strcmp) order */
	int		   *by_rank;		/* node at each rank */
	char	   *node_kind;		/* per node: NODE_PRODUCT, NODE_JOB or NODE_DATASET */
	Datum	   *name_texts;		/* names as text datums laid out as array elements */
	int		   *name_sizes;		/* their sizes in an array (aligned) */
	Datum	   *type_texts;		/* edge types likewise */
	int		   *type_sizes;
	Datum	   *product_texts;	/* column graph: product part of each name */
	Datum	   *column_texts;	/* column graph: column part of each name */
	int			node_cap;		/* allocated entries while loading */
	int			edge_cap;
} LineageGraph;

static LineageGraph *graphs[NUM_GRAPHS];
static bool graph_valid[NUM_GRAPHS];
static uint64 graph_builds[NUM_GRAPHS];
static Oid	sentinel_relid = InvalidOid;
static bool callback_registered = false;
static SPIPlanPtr lookup_plan = NULL;	/* SELECT datamesh._lookup_product($1) */

static const char *const graph_views[NUM_GRAPHS] = {"lineage_edges", "column_lineage_edges"};
static const char *const graph_queries[NUM_GRAPHS] = {
	"SELECT source, target, edge_type, true FROM datamesh.lineage_edges",
	"SELECT source_product OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) source_column, "
	"target_product OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) target_column, "
	"transformation, propagates FROM datamesh.column_lineage_edges"
};

/* Result of one breadth-first walk */
typedef struct Walk
{
	int			root;
	int			dir;
	int			nvisited;		/* nodes reached, root excluded */
	int		   *order;			/* reached nodes in discovery order */
	int		   *depth;			/* per node, -1 if not reached */
	int		   *via;			/* per node, edge it was reached through */
	int		   *path_bytes;		/* per node, element bytes of its path array */
	int		   *type_bytes;		/* per node, element bytes of its edge types */
	bool	   *propagates;		/* per node, every edge on its path propagates */
	bool		cut_depth;
	int			cut_depth_nodes;	/* nodes at max_depth with unvisited neighbours */
	bool		cut_nodes;
} Walk;

/* Relcache callback: the sentinel (or everything) changed, drop the graphs */
static void
LineageRelcacheCallback(Datum arg, Oid relid)
{
	int			i;

	if (relid == InvalidOid || relid == sentinel_relid)
		for (i = 0; i < NUM_GRAPHS; i++)
			graph_valid[i] = false;
}

/* The sentinel table whose invalidation means "lineage edges changed" */
static Oid
LineageSentinel(void)
{
	Oid			nsp = get_namespace_oid("datamesh", false);
	Oid			relid = get_relname_relid("lineage_sentinel", nsp);

	if (!OidIsValid(relid))
		elog(ERROR, "datamesh.lineage_sentinel does not exist");
	return relid;
}

/* Make sure the cache sees committed changes and belongs to this extension */
static void
LineageCacheCheck(void)
{
	Oid			relid;
	int			i;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(LineageRelcacheCallback, (Datum) 0);
		callback_registered = true;
	}
	AcceptInvalidationMessages();
	relid = LineageSentinel();
	if (relid != sentinel_relid)
	{
		/* first use, or the extension was dropped and created again */
		sentinel_relid = relid;
		for (i = 0; i < NUM_GRAPHS; i++)
			graph_valid[i] = false;
	}
}

/* Number of a node, added if new */
static int
GraphIntern(LineageGraph *g, const char *name)
{
	NodeEntry  *entry;
	bool		found;

	entry = nodemap_insert(g->index, name, &found);
	if (!found)
	{
		if (g->nnodes >= g->node_cap)
		{
			g->node_cap *= 2;
			g->names = repalloc(g->names, sizeof(char *) * g->node_cap);
		}
		g->names[g->nnodes] = MemoryContextStrdup(g->cxt, name);
		entry->name = g->names[g->nnodes];
		entry->id = g->nnodes++;
	}
	return entry->id;
}

/* Number of an edge type, added if new */
static int
GraphType(LineageGraph *g, const char *type)
{
	int			i;

	for (i = 0; i < g->ntypes; i++)
		if (strcmp(g->types[i], type) == 0)
			return i;
	g->types = repalloc(g->types, sizeof(char *) * (g->ntypes + 1));
	g->types[g->ntypes] = MemoryContextStrdup(g->cxt, type);
	return g->ntypes++;
}

/* Order adjacency entries by the name of the node at their far end, then type */
static int
CompareAdjacency(const void *a, const void *b, void *arg)
{
	void	  **ctx = (void **) arg;
	LineageGraph *g = (LineageGraph *) ctx[0];
	int		   *far = (int *) ctx[1];
	int			ea = *(const int *) a;
	int			eb = *(const int *) b;
	int			c = g->rank[far[ea]] - g->rank[far[eb]];

	if (c != 0)
		return c;
	return strcmp(g->types[g->edge_type[ea]], g->types[g->edge_type[eb]]);
}

/* Sort helper: node numbers by name */
static int
CompareNames(const void *a, const void *b, void *arg)
{
	LineageGraph *g = (LineageGraph *) arg;

	return strcmp(g->names[*(const int *) a], g->names[*(const int *) b]);
}

/* Number the nodes in name order, so that walks sort by integer compares */
static void
GraphRankNodes(LineageGraph *g)
{
	int			k;

	g->rank = palloc(sizeof(int) * Max(g->nnodes, 1));
	g->by_rank = palloc(sizeof(int) * Max(g->nnodes, 1));
	for (k = 0; k < g->nnodes; k++)
		g->by_rank[k] = k;
	if (g->nnodes > 1)
		qsort_arg(g->by_rank, g->nnodes, sizeof(int), CompareNames, g);
	for (k = 0; k < g->nnodes; k++)
		g->rank[g->by_rank[k]] = k;
}

/*
 * Text datums of strings in one block, each laid out exactly as an element
 * of a text[] (4-byte header, zero padding to int alignment), so that result
 * arrays are built by copying these images; *sizes gets the padded sizes.
 */
static Datum *
TextImages(char **strs, int n, int **sizes)
{
	Datum	   *datums = palloc(sizeof(Datum) * Max(n, 1));
	Size		total = 0;
	char	   *p;
	int			k;

	*sizes = palloc(sizeof(int) * Max(n, 1));
	for (k = 0; k < n; k++)
	{
		(*sizes)[k] = INTALIGN(VARHDRSZ + strlen(strs[k]));
		total += (*sizes)[k];
	}
	p = palloc0(Max(total, 1));
	for (k = 0; k < n; k++)
	{
		Size		len = strlen(strs[k]);

		SET_VARSIZE(p, VARHDRSZ + len);
		memcpy(VARDATA(p), strs[k], len);
		datums[k] = PointerGetDatum(p);
		p += (*sizes)[k];
	}
	return datums;
}

/* Kind of a product-graph node from its name */
static char
NodeKind(const char *name)
{
	if (strncmp(name, "job:", 4) == 0)
		return NODE_JOB;
	if (strncmp(name, "dataset:", 8) == 0)
		return NODE_DATASET;
	return NODE_PRODUCT;
}

/* Build one direction of the CSR adjacency */
static void
GraphBuildAdjacency(LineageGraph *g, int *near, int *far, int **start_out, int **edges_out,
					int **far_out)
{
	int		   *start = MemoryContextAllocZero(g->cxt, sizeof(int) * (g->nnodes + 1));
	int		   *edges = MemoryContextAlloc(g->cxt, sizeof(int) * Max(g->nedges, 1));
	int		   *fill = palloc(sizeof(int) * (g->nnodes + 1));
	void	   *ctx[2];
	int			i;

	for (i = 0; i < g->nedges; i++)
		start[near[i] + 1]++;
	for (i = 0; i < g->nnodes; i++)
		start[i + 1] += start[i];
	memcpy(fill, start, sizeof(int) * (g->nnodes + 1));
	for (i = 0; i < g->nedges; i++)
		edges[fill[near[i]]++] = i;
	ctx[0] = g;
	ctx[1] = far;
	for (i = 0; i < g->nnodes; i++)
		if (start[i + 1] - start[i] > 1)
			qsort_arg(edges + start[i], start[i + 1] - start[i], sizeof(int),
					  CompareAdjacency, ctx);
	pfree(fill);
	*start_out = start;
	*edges_out = edges;
	/* the far ends side by side, so that walks skip visited nodes without touching edges */
	*far_out = MemoryContextAlloc(g->cxt, sizeof(int) * Max(g->nedges, 1));
	for (i = 0; i < g->nedges; i++)
		(*far_out)[i] = far[edges[i]];
}

/* Read a graph from its view in one cursor scan */
static LineageGraph *
GraphLoad(GraphKind kind)
{
	MemoryContext cxt;
	MemoryContext oldcxt;
	LineageGraph *g;
	Portal		portal;
	SPIPlanPtr	plan;

	cxt = AllocSetContextCreate(CacheMemoryContext, "datamesh lineage graph",
								ALLOCSET_DEFAULT_SIZES);
	g = MemoryContextAllocZero(cxt, sizeof(LineageGraph));
	g->cxt = cxt;
	g->node_cap = 1024;
	g->edge_cap = 4096;
	oldcxt = MemoryContextSwitchTo(cxt);
	g->names = palloc(sizeof(char *) * g->node_cap);
	g->index = nodemap_create(cxt, 1024, NULL);
	g->edge_src = palloc(sizeof(int) * g->edge_cap);
	g->edge_dst = palloc(sizeof(int) * g->edge_cap);
	g->edge_type = palloc(sizeof(int) * g->edge_cap);
	g->edge_propagates = palloc(sizeof(bool) * g->edge_cap);
	g->types = palloc(sizeof(char *));
	MemoryContextSwitchTo(oldcxt);

	PG_TRY();
	{
		int			k;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		plan = SPI_prepare(graph_queries[kind], 0, NULL);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed for lineage graph: %s",
				 SPI_result_code_string(SPI_result));
		portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
		for (;;)
		{
			uint64		i;

			SPI_cursor_fetch(portal, true, 10000);
			if (SPI_processed == 0)
				break;
			for (i = 0; i < SPI_processed; i++)
			{
				HeapTuple	tup = SPI_tuptable->vals[i];
				TupleDesc	desc = SPI_tuptable->tupdesc;
				char	   *src = SPI_getvalue(tup, desc, 1);
				char	   *dst = SPI_getvalue(tup, desc, 2);
				char	   *type = SPI_getvalue(tup, desc, 3);
				bool		isnull;
				Datum		prop = SPI_getbinval(tup, desc, 4, &isnull);

				if (src == NULL || dst == NULL)
					continue;
				oldcxt = MemoryContextSwitchTo(cxt);
				if (g->nedges >= g->edge_cap)
				{
					g->edge_cap *= 2;
					g->edge_src = repalloc(g->edge_src, sizeof(int) * g->edge_cap);
					g->edge_dst = repalloc(g->edge_dst, sizeof(int) * g->edge_cap);
					g->edge_type = repalloc(g->edge_type, sizeof(int) * g->edge_cap);
					g->edge_propagates = repalloc(g->edge_propagates, sizeof(bool) * g->edge_cap);
				}
				g->edge_src[g->nedges] = GraphIntern(g, src);
				g->edge_dst[g->nedges] = GraphIntern(g, dst);
				g->edge_type[g->nedges] = GraphType(g, type ? type : "");
				g->edge_propagates[g->nedges] = !isnull && DatumGetBool(prop);
				g->nedges++;
				MemoryContextSwitchTo(oldcxt);
				pfree(src);
				pfree(dst);
				if (type)
					pfree(type);
			}
			SPI_freetuptable(SPI_tuptable);
		}
		SPI_cursor_close(portal);
		SPI_finish();

		oldcxt = MemoryContextSwitchTo(cxt);
		GraphRankNodes(g);
		GraphBuildAdjacency(g, g->edge_src, g->edge_dst, &g->out_start, &g->out_edges, &g->out_far);
		GraphBuildAdjacency(g, g->edge_dst, g->edge_src, &g->in_start, &g->in_edges, &g->in_far);
		g->name_texts = TextImages(g->names, g->nnodes, &g->name_sizes);
		g->type_texts = TextImages(g->types, g->ntypes, &g->type_sizes);
		g->node_kind = palloc(Max(g->nnodes, 1));
		for (k = 0; k < g->nnodes; k++)
			g->node_kind[k] = NodeKind(g->names[k]);
		if (kind == COLUMN_GRAPH)
		{
			g->product_texts = palloc(sizeof(Datum) * Max(g->nnodes, 1));
			g->column_texts = palloc(sizeof(Datum) * Max(g->nnodes, 1));
			for (k = 0; k < g->nnodes; k++)
			{
				const char *dot = strchr(g->names[k], '.');

				if (dot == NULL)
					elog(ERROR, "column lineage node \"%s\" has no column", g->names[k]);
				g->product_texts[k] = PointerGetDatum(cstring_to_text_with_len(g->names[k], dot - g->names[k]));
				g->column_texts[k] = CStringGetTextDatum(dot + 1);
			}
		}
		MemoryContextSwitchTo(oldcxt);
	}
	PG_CATCH();
	{
		MemoryContextDelete(cxt);
		PG_RE_THROW();
	}
	PG_END_TRY();
	return g;
}

/* The cached graph, rebuilt if stale; the caller must be allowed to read it */
static LineageGraph *
GraphGet(GraphKind kind)
{
	Oid			viewid;
	AclResult	aclresult;

	LineageCacheCheck();
	viewid = get_relname_relid(graph_views[kind], get_namespace_oid("datamesh", false));
	if (!OidIsValid(viewid))
		elog(ERROR, "datamesh.%s does not exist", graph_views[kind]);
	aclresult = pg_class_aclcheck(viewid, GetUserId(), ACL_SELECT);
	if (aclresult != ACLCHECK_OK)
		aclcheck_error(aclresult, OBJECT_VIEW, psprintf("datamesh.%s", graph_views[kind]));

	if (!graph_valid[kind] || graphs[kind] == NULL)
	{
		if (graphs[kind] != NULL)
		{
			MemoryContextDelete(graphs[kind]->cxt);
			graphs[kind] = NULL;
		}
		/* an invalidation arriving while loading leaves the flag false */
		graph_valid[kind] = true;
		PG_TRY();
		{
			graphs[kind] = GraphLoad(kind);
		}
		PG_CATCH();
		{
			graph_valid[kind] = false;
			PG_RE_THROW();
		}
		PG_END_TRY();
		graph_builds[kind]++;
	}
	return graphs[kind];
}

/* Node number of a name, -1 if the graph does not have it */
static int
GraphFind(LineageGraph *g, const char *name)
{
	NodeEntry  *entry = nodemap_lookup(g->index, name);

	return entry ? entry->id : -1;
}

/* Parse a direction argument into a mask */
static int
ParseDirection(text *arg)
{
	char	   *dir = text_to_cstring(arg);

	if (strcmp(dir, "downstream") == 0)
		return DIR_DOWNSTREAM;
	if (strcmp(dir, "upstream") == 0)
		return DIR_UPSTREAM;
	if (strcmp(dir, "both") == 0)
		return DIR_DOWNSTREAM | DIR_UPSTREAM;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid lineage direction \"%s\"", dir),
			 errhint("Use \"upstream\", \"downstream\" or \"both\".")));
	return 0;					/* keep compiler quiet */
}

/* A bound argument: -1 for NULL (no bound), else a non-negative number */
static int
ParseBound(FunctionCallInfo fcinfo, int argno, const char *name)
{
	int			v;

	if (PG_ARGISNULL(argno))
		return -1;
	v = PG_GETARG_INT32(argno);
	if (v < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", name),
				 errdetail("Got %d; NULL means no bound.", v)));
	return v;
}

/* Resolve a product reference ("product" or "domain.product") or raise an error */
static char *
ResolveProduct(text *ref)
{
	Datum		arg = PointerGetDatum(ref);
	Oid			argtype = TEXTOID;
	char	   *result;
	MemoryContext callcxt = CurrentMemoryContext;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (lookup_plan == NULL)
	{
		/* kept for the session; the plan cache re-plans it if the function changes */
		SPIPlanPtr	plan = SPI_prepare("SELECT datamesh._lookup_product($1)", 1, &argtype);

		if (plan == NULL || SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_prepare failed for product lookup: %s",
				 SPI_result_code_string(SPI_result));
		lookup_plan = plan;
	}
	if (SPI_execute_plan(lookup_plan, &arg, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "product lookup failed");
	result = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	result = MemoryContextStrdup(callcxt, result);
	SPI_finish();
	return result;
}

/* Root of a product-graph walk: a product reference, or a job or dataset node */
static char *
ResolveRoot(text *ref)
{
	char	   *name = text_to_cstring(ref);

	if (strncmp(name, "job:", 4) == 0 || strncmp(name, "dataset:", 8) == 0)
	{
		if (GraphFind(GraphGet(PRODUCT_GRAPH), name) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("lineage node \"%s\" does not exist", name)));
		return name;
	}
	return ResolveProduct(ref);
}

/*
 * Walk the graph breadth first from root in one direction, at most max_depth
 * hops and max_nodes nodes (-1: unbounded); propagating_only follows only
 * edges along which classifications flow.
 */
static void
GraphWalk(LineageGraph *g, int root, int dir, int max_depth, int max_nodes,
		  bool propagating_only, Walk *w)
{
	int			head = 0;
	int			tail = 0;
	int		   *start = (dir == DIR_DOWNSTREAM) ? g->out_start : g->in_start;
	int		   *edges = (dir == DIR_DOWNSTREAM) ? g->out_edges : g->in_edges;
	int		   *far = (dir == DIR_DOWNSTREAM) ? g->out_far : g->in_far;
	int		   *queue = palloc(sizeof(int) * (g->nnodes + 1));
	int			i;

	memset(w, 0, sizeof(Walk));
	w->root = root;
	w->dir = dir;
	w->depth = palloc(sizeof(int) * g->nnodes);
	w->via = palloc(sizeof(int) * g->nnodes);
	w->path_bytes = palloc(sizeof(int) * g->nnodes);
	w->type_bytes = palloc(sizeof(int) * g->nnodes);
	w->propagates = palloc(sizeof(bool) * g->nnodes);
	memset(w->depth, -1, sizeof(int) * g->nnodes);	/* all bytes 0xff: -1 */
	w->order = palloc(sizeof(int) * (g->nnodes + 1));
	w->depth[root] = 0;
	w->path_bytes[root] = g->name_sizes[root];
	w->type_bytes[root] = 0;
	w->propagates[root] = true;
	queue[tail++] = root;
	while (head < tail && !w->cut_nodes)
	{
		int			n = queue[head++];
		int			d = w->depth[n];

		CHECK_FOR_INTERRUPTS();
		for (i = start[n]; i < start[n + 1]; i++)
		{
			int			m = far[i];
			int			e;

			if (w->depth[m] >= 0)
				continue;
			e = edges[i];
			if (propagating_only && !g->edge_propagates[e])
				continue;
			if (max_depth >= 0 && d >= max_depth)
			{
				/* one unvisited neighbour is enough to count this node as cut */
				w->cut_depth = true;
				w->cut_depth_nodes++;
				break;
			}
			if (max_nodes >= 0 && w->nvisited >= max_nodes)
			{
				w->cut_nodes = true;
				break;
			}
			w->depth[m] = d + 1;
			w->via[m] = e;
			w->path_bytes[m] = w->path_bytes[n] + g->name_sizes[m];
			w->type_bytes[m] = w->type_bytes[n] + g->type_sizes[g->edge_type[e]];
			w->propagates[m] = w->propagates[n] && g->edge_propagates[e];
			queue[tail++] = m;
			w->order[w->nvisited++] = m;
		}
	}
	pfree(queue);
}

/* Tell the caller that a bound cut the result */
static void
WalkNotices(Walk *w, const char *what, const char *root, int max_depth, int max_nodes)
{
	const char *dirname = (w->dir == DIR_DOWNSTREAM) ? "downstream" : "upstream";

	if (w->cut_nodes)
		ereport(NOTICE,
				(errmsg("%s of \"%s\" cut at max_nodes %d (%s)", what, root, max_nodes, dirname),
				 errdetail("More nodes are reachable; the result holds the %d nearest in this direction.", w->nvisited),
				 errhint("Raise max_nodes, or pass NULL for no node bound.")));
	else if (w->cut_depth)
		ereport(NOTICE,
				(errmsg("%s of \"%s\" cut at max_depth %d (%s)", what, root, max_depth, dirname),
				 errdetail("%d node(s) at depth %d have %s neighbours that were not visited.",
						   w->cut_depth_nodes, max_depth, dirname),
				 errhint("Raise max_depth, or pass NULL for no depth bound.")));
}

/* The other end of the edge a node was reached through */
static int
WalkParent(LineageGraph *g, Walk *w, int n)
{
	int			e = w->via[n];

	return (w->dir == DIR_DOWNSTREAM) ? g->edge_src[e] : g->edge_dst[e];
}

/*
 * Path arrays of a walk's result rows, built level by level.  A node's path
 * (names from the root) and edge types are its parent's plus one element,
 * and its parent is one level up: the arrays of a level are built in one
 * block from the previous level's block with two copies per array, however
 * deep the node.  Element images come ready-made from the graph, so the
 * bytes equal what construct_array would build, without detoasting, sizing
 * or allocating per element.  Only two levels are kept at a time.
 */
typedef struct PathLevels
{
	LineageGraph *g;
	Walk	   *w;
	int		   *slot;			/* per node: offset of its arrays in its block */
	char	   *prev;			/* block of the previous level */
	char	   *cur;			/* block of the current level */
	Size		prev_cap;
	Size		cur_cap;
	Size		used;			/* bytes of cur filled */
	int			level_end;		/* index in w->order after the current level */
} PathLevels;

/* Bytes of a node's two arrays in a level block */
#define PATH_ARRAYS_SIZE(w, n) \
	(MAXALIGN(ARR_OVERHEAD_NONULLS(1) + (w)->path_bytes[n]) + \
	 MAXALIGN(ARR_OVERHEAD_NONULLS(1) + (w)->type_bytes[n]))

/* Start building the path arrays of a walk's rows */
static void
PathLevelsInit(PathLevels *pl, LineageGraph *g, Walk *w)
{
	memset(pl, 0, sizeof(PathLevels));
	pl->g = g;
	pl->w = w;
	pl->slot = palloc(sizeof(int) * g->nnodes);
}

/* Start the next level at w->order[i]: the current block becomes the previous */
static void
PathLevelsNewLevel(PathLevels *pl, int i)
{
	Walk	   *w = pl->w;
	int			d = w->depth[w->order[i]];
	Size		need = 0;
	char	   *tmp = pl->prev;
	Size		tmpcap = pl->prev_cap;
	int			j;

	pl->prev = pl->cur;
	pl->prev_cap = pl->cur_cap;
	pl->cur = tmp;
	pl->cur_cap = tmpcap;
	for (j = i; j < w->nvisited && w->depth[w->order[j]] == d; j++)
		need += PATH_ARRAYS_SIZE(w, w->order[j]);
	pl->level_end = j;
	if (need > pl->cur_cap)
	{
		if (pl->cur)
			pfree(pl->cur);
		pl->cur = MemoryContextAllocHuge(CurrentMemoryContext, need);
		pl->cur_cap = need;
	}
	pl->used = 0;
}

/* Release the blocks of a walk's path arrays */
static void
PathLevelsFree(PathLevels *pl)
{
	pfree(pl->slot);
	if (pl->prev)
		pfree(pl->prev);
	if (pl->cur)
		pfree(pl->cur);
}

/* Header of a one-dimensional text[] without nulls whose elements take databytes */
static char *
TextArrayHeader(char *buf, int nelems, int databytes)
{
	ArrayType  *a = (ArrayType *) buf;

	Assert(nelems > 0);
	SET_VARSIZE(a, ARR_OVERHEAD_NONULLS(1) + databytes);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = TEXTOID;
	ARR_DIMS(a)[0] = nelems;
	ARR_LBOUND(a)[0] = 1;
	return buf + ARR_OVERHEAD_NONULLS(1);
}

/*
 * The path and edge-type arrays of the row for w->order[i]; rows must be
 * asked for in order (i = 0, 1, ...).  The datums live until two levels on.
 */
static void
PathLevelsNext(PathLevels *pl, int i, Datum *path, Datum *types)
{
	LineageGraph *g = pl->g;
	Walk	   *w = pl->w;
	int			n = w->order[i];
	int			d = w->depth[n];
	int			p = WalkParent(g, w, n);
	int			t = g->edge_type[w->via[n]];
	char	   *pa;
	char	   *ta;
	char	   *data;

	if (i >= pl->level_end)
		PathLevelsNewLevel(pl, i);
	pa = pl->cur + pl->used;
	ta = pa + MAXALIGN(ARR_OVERHEAD_NONULLS(1) + w->path_bytes[n]);
	pl->slot[n] = pl->used;
	pl->used += PATH_ARRAYS_SIZE(w, n);

	/* path: the parent's elements, then this node's name */
	data = TextArrayHeader(pa, d + 1, w->path_bytes[n]);
	if (d == 1)
		memcpy(data, DatumGetPointer(g->name_texts[p]), g->name_sizes[p]);
	else
		memcpy(data, pl->prev + pl->slot[p] + ARR_OVERHEAD_NONULLS(1), w->path_bytes[p]);
	memcpy(data + w->path_bytes[p], DatumGetPointer(g->name_texts[n]), g->name_sizes[n]);

	/* edge types: the parent's, then the type of the edge to this node */
	data = TextArrayHeader(ta, d, w->type_bytes[n]);
	if (d > 1)
		memcpy(data, pl->prev + pl->slot[p] + MAXALIGN(ARR_OVERHEAD_NONULLS(1) + w->path_bytes[p])
			   + ARR_OVERHEAD_NONULLS(1), w->type_bytes[p]);
	memcpy(data + w->type_bytes[p], DatumGetPointer(g->type_texts[t]), g->type_sizes[t]);

	*path = PointerGetDatum(pa);
	*types = PointerGetDatum(ta);
}

/* Sort helper: reached nodes by depth, then name */
static int
CompareReached(const void *a, const void *b, void *arg)
{
	void	  **ctx = (void **) arg;
	LineageGraph *g = (LineageGraph *) ctx[0];
	Walk	   *w = (Walk *) ctx[1];
	int			na = *(const int *) a;
	int			nb = *(const int *) b;

	if (w->depth[na] != w->depth[nb])
		return w->depth[na] - w->depth[nb];
	return g->rank[na] - g->rank[nb];
}

/*
 * Sort the reached nodes of a walk by depth and name.  Breadth first order
 * is already by depth: sort each level by name rank with integer compares.
 */
static void
WalkSort(LineageGraph *g, Walk *w)
{
	int			i = 0;

	if (w->nvisited > 1 && w->nvisited >= g->nnodes / 8)
	{
		/*
		 * Most of the graph: no compares at all.  One pass over the nodes in
		 * name order drops each reached node into its level's place.
		 */
		int			maxd = w->depth[w->order[w->nvisited - 1]];
		int		   *pos = palloc0(sizeof(int) * (maxd + 2));
		int			r;

		for (i = 0; i < w->nvisited; i++)
			pos[w->depth[w->order[i]] + 1]++;
		for (r = 1; r <= maxd; r++)
			pos[r + 1] += pos[r];
		for (r = 0; r < g->nnodes; r++)
		{
			int			n = g->by_rank[r];
			int			d = w->depth[n];

			if (d > 0)
				w->order[pos[d]++] = n;
		}
		pfree(pos);
		return;
	}

	while (i < w->nvisited)
	{
		int			d = w->depth[w->order[i]];
		int			j = i + 1;
		int			k;

		while (j < w->nvisited && w->depth[w->order[j]] == d)
			j++;
		if (j - i > 1)
		{
			for (k = i; k < j; k++)
				w->order[k] = g->rank[w->order[k]];
			sort_ints(w->order + i, j - i);
			for (k = i; k < j; k++)
				w->order[k] = g->by_rank[w->order[k]];
		}
		i = j;
	}
}

/* Name of a product-graph node kind */
static const char *
NodeTypeName(LineageGraph *g, int n)
{
	static const char *const names[] = {"product", "job", "dataset"};

	return names[(int) g->node_kind[n]];
}

/* Walk one or both directions, bounding the node count over both */
static int
WalkDirections(LineageGraph *g, int root, int dirmask, int max_depth, int max_nodes,
			   bool propagating_only, Walk *walks, const char *what, const char *rootname)
{
	int			nwalks = 0;
	int			remaining = max_nodes;
	int			dirs[2] = {DIR_UPSTREAM, DIR_DOWNSTREAM};
	int			i;

	for (i = 0; i < 2; i++)
	{
		if (!(dirmask & dirs[i]))
			continue;
		GraphWalk(g, root, dirs[i], max_depth, remaining, propagating_only, &walks[nwalks]);
		WalkNotices(&walks[nwalks], what, rootname, max_depth, max_nodes);
		if (remaining >= 0)
			remaining -= walks[nwalks].nvisited;
		WalkSort(g, &walks[nwalks]);
		nwalks++;
	}
	return nwalks;
}

/*
 * datamesh.lineage(product_id, direction, max_depth, max_nodes): the nodes
 * reachable from a product with depth, path and edge types.
 */
Datum
datamesh_lineage(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LineageGraph *g;
	char	   *rootname;
	int			dirmask;
	int			max_depth;
	int			max_nodes;
	int			root;
	Walk		walks[2];
	int			nwalks;
	int			i;
	int			j;
	Datum		kinds[3];

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("product_id must not be null")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("direction must not be null")));
	dirmask = ParseDirection(PG_GETARG_TEXT_PP(1));
	max_depth = ParseBound(fcinfo, 2, "max_depth");
	max_nodes = ParseBound(fcinfo, 3, "max_nodes");

	InitMaterializedSRF(fcinfo, 0);
	rootname = ResolveRoot(PG_GETARG_TEXT_PP(0));
	g = GraphGet(PRODUCT_GRAPH);
	root = GraphFind(g, rootname);
	if (root < 0)
		return (Datum) 0;		/* a product without edges: no rows */

	nwalks = WalkDirections(g, root, dirmask, max_depth, max_nodes, false, walks,
							"lineage", rootname);
	kinds[NODE_PRODUCT] = CStringGetTextDatum("product");
	kinds[NODE_JOB] = CStringGetTextDatum("job");
	kinds[NODE_DATASET] = CStringGetTextDatum("dataset");

	/*
	 * One pass per direction straight into the tuplestore: every value is a
	 * ready-made datum of the cache or an array built in a level block, so
	 * the loop allocates nothing per row but the stored tuples.
	 */
	for (j = 0; j < nwalks; j++)
	{
		Walk	   *w = &walks[j];
		Datum		dirtext = CStringGetTextDatum(w->dir == DIR_DOWNSTREAM ? "downstream" : "upstream");
		PathLevels pl;
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		PathLevelsInit(&pl, g, w);
		values[4] = dirtext;
		for (i = 0; i < w->nvisited; i++)
		{
			int			n = w->order[i];

			PathLevelsNext(&pl, i, &values[2], &values[3]);
			values[0] = g->name_texts[n];
			values[1] = Int32GetDatum(w->depth[n]);
			values[5] = kinds[(int) g->node_kind[n]];
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		PathLevelsFree(&pl);
	}
	return (Datum) 0;
}

/*
 * datamesh.column_lineage(product_id, column_name, direction, max_depth,
 * max_nodes, propagating_only): the columns reachable from one column.
 */
Datum
datamesh_column_lineage(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LineageGraph *g;
	char	   *product;
	char	   *rootname;
	int			dirmask;
	int			max_depth;
	int			max_nodes;
	bool		propagating_only;
	int			root;
	Walk		walks[2];
	int			nwalks;
	int			i;
	int			j;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("product_id and column_name must not be null")));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("direction must not be null")));
	dirmask = ParseDirection(PG_GETARG_TEXT_PP(2));
	max_depth = ParseBound(fcinfo, 3, "max_depth");
	max_nodes = ParseBound(fcinfo, 4, "max_nodes");
	propagating_only = !PG_ARGISNULL(5) && PG_GETARG_BOOL(5);

	InitMaterializedSRF(fcinfo, 0);
	product = ResolveProduct(PG_GETARG_TEXT_PP(0));
	rootname = psprintf("%s.%s", product, text_to_cstring(PG_GETARG_TEXT_PP(1)));
	g = GraphGet(COLUMN_GRAPH);
	root = GraphFind(g, rootname);
	if (root < 0)
		return (Datum) 0;		/* a column without edges: no rows */

	nwalks = WalkDirections(g, root, dirmask, max_depth, max_nodes, propagating_only,
							walks, "column lineage", rootname);
	for (j = 0; j < nwalks; j++)
	{
		Walk	   *w = &walks[j];
		Datum		dirtext = CStringGetTextDatum(w->dir == DIR_DOWNSTREAM ? "downstream" : "upstream");
		PathLevels pl;
		Datum		values[7];
		bool		nulls[7] = {false, false, false, false, false, false, false};

		PathLevelsInit(&pl, g, w);
		values[5] = dirtext;
		for (i = 0; i < w->nvisited; i++)
		{
			int			n = w->order[i];

			PathLevelsNext(&pl, i, &values[3], &values[4]);
			values[0] = g->product_texts[n];
			values[1] = g->column_texts[n];
			values[2] = Int32GetDatum(w->depth[n]);
			values[6] = BoolGetDatum(w->propagates[n]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		PathLevelsFree(&pl);
	}
	return (Datum) 0;
}

/* Append "key": "value" to a JSON object being built */
static void
JsonField(StringInfo buf, const char *key, const char *value, bool comma)
{
	if (comma)
		appendStringInfoString(buf, ", ");
	escape_json(buf, key);
	appendStringInfoString(buf, ": ");
	escape_json(buf, value);
}

/*
 * datamesh.lineage_graph(product_id, direction, max_depth, max_nodes): the
 * reached subgraph as jsonb {root, direction, nodes, edges, truncated}.
 */
Datum
datamesh_lineage_graph(PG_FUNCTION_ARGS)
{
	LineageGraph *g;
	char	   *rootname;
	int			dirmask;
	int			max_depth;
	int			max_nodes;
	int			root;
	Walk		walks[2];
	int			nwalks;
	int		   *mark;			/* per node: bit 1 upstream, bit 2 downstream, 4 root */
	int		   *mindepth;
	int		   *members;
	int			nmembers = 0;
	bool		truncated = false;
	bool		first;
	StringInfoData buf;
	int			i;
	int			j;
	void	   *ctx[2];
	Walk		sortwalk;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("product_id and direction must not be null")));
	dirmask = ParseDirection(PG_GETARG_TEXT_PP(1));
	max_depth = ParseBound(fcinfo, 2, "max_depth");
	max_nodes = ParseBound(fcinfo, 3, "max_nodes");
	rootname = ResolveRoot(PG_GETARG_TEXT_PP(0));
	g = GraphGet(PRODUCT_GRAPH);
	root = GraphFind(g, rootname);

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	JsonField(&buf, "root", rootname, false);
	JsonField(&buf, "direction", text_to_cstring(PG_GETARG_TEXT_PP(1)), true);
	appendStringInfoString(&buf, ", \"nodes\": [");
	if (root < 0)
	{
		/* a product without edges: itself only */
		appendStringInfoChar(&buf, '{');
		JsonField(&buf, "id", rootname, false);
		JsonField(&buf, "type", "product", true);
		appendStringInfoString(&buf, ", \"depth\": 0");
		JsonField(&buf, "direction", "root", true);
		appendStringInfoString(&buf, "}], \"edges\": [], \"truncated\": false}");
		PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
	}

	nwalks = WalkDirections(g, root, dirmask, max_depth, max_nodes, false, walks,
							"lineage", rootname);
	mark = palloc0(sizeof(int) * g->nnodes);
	mindepth = palloc(sizeof(int) * g->nnodes);
	members = palloc(sizeof(int) * (g->nnodes + 1));
	mark[root] = 4;
	mindepth[root] = 0;
	members[nmembers++] = root;
	for (j = 0; j < nwalks; j++)
	{
		Walk	   *w = &walks[j];

		truncated = truncated || w->cut_depth || w->cut_nodes;
		for (i = 0; i < w->nvisited; i++)
		{
			int			n = w->order[i];

			if (mark[n] == 0)
			{
				members[nmembers++] = n;
				mindepth[n] = w->depth[n];
			}
			else if (w->depth[n] < mindepth[n])
				mindepth[n] = w->depth[n];
			mark[n] |= w->dir;
		}
	}

	/* nodes by depth, then name */
	memset(&sortwalk, 0, sizeof(sortwalk));
	sortwalk.depth = mindepth;
	ctx[0] = g;
	ctx[1] = &sortwalk;
	qsort_arg(members, nmembers, sizeof(int), CompareReached, ctx);
	for (i = 0; i < nmembers; i++)
	{
		int			n = members[i];

		if (i > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoChar(&buf, '{');
		JsonField(&buf, "id", g->names[n], false);
		JsonField(&buf, "type", NodeTypeName(g, n), true);
		appendStringInfo(&buf, ", \"depth\": %d", mindepth[n]);
		JsonField(&buf, "direction",
				  mark[n] & 4 ? "root" :
				  (mark[n] & 3) == 3 ? "both" :
				  (mark[n] & DIR_UPSTREAM) ? "upstream" : "downstream", true);
		appendStringInfoChar(&buf, '}');
	}

	/* every edge between two members, in the order of the sorted members */
	appendStringInfoString(&buf, "], \"edges\": [");
	first = true;
	for (i = 0; i < nmembers; i++)
	{
		int			n = members[i];

		for (j = g->out_start[n]; j < g->out_start[n + 1]; j++)
		{
			int			e = g->out_edges[j];

			if (mark[g->edge_dst[e]] == 0)
				continue;
			if (!first)
				appendStringInfoString(&buf, ", ");
			first = false;
			appendStringInfoChar(&buf, '{');
			JsonField(&buf, "source", g->names[n], false);
			JsonField(&buf, "target", g->names[g->edge_dst[e]], true);
			JsonField(&buf, "type", g->types[g->edge_type[e]], true);
			appendStringInfoChar(&buf, '}');
		}
	}
	appendStringInfo(&buf, "], \"truncated\": %s}", truncated ? "true" : "false");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* datamesh.lineage_cache_stats(): size of this backend's cached graphs */
Datum
datamesh_lineage_cache_stats(PG_FUNCTION_ARGS)
{
	StringInfoData buf;
	int			i;

	LineageCacheCheck();
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (i = 0; i < NUM_GRAPHS; i++)
	{
		LineageGraph *g = graphs[i];

		if (i > 0)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, i == PRODUCT_GRAPH ? "product_graph" : "column_graph");
		appendStringInfo(&buf, ": {\"cached\": %s, \"builds\": " UINT64_FORMAT,
						 (g != NULL && graph_valid[i]) ? "true" : "false", graph_builds[i]);
		if (g != NULL && graph_valid[i])
			appendStringInfo(&buf, ", \"nodes\": %d, \"edges\": %d, \"bytes\": %zu",
							 g->nnodes, g->nedges, MemoryContextMemAllocated(g->cxt, true));
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* Statement trigger on the tables behind the lineage views: drop every cache */
Datum
datamesh_lineage_invalidate(PG_FUNCTION_ARGS)
{
	int			i;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("datamesh._lineage_invalidate() must be called as a trigger")));
	CacheInvalidateRelcacheByRelid(LineageSentinel());
	for (i = 0; i < NUM_GRAPHS; i++)
		graph_valid[i] = false;
	return PointerGetDatum(NULL);
}
