/*
 * policy_audit.c
 *		The decision audit: rows of datamesh.policy_audit buffered in backend
 *		memory and appended in batches.
 *
 * A decision that must be recorded forms its audit row at once (id from the
 * identity sequence, time, every column) and keeps it in a buffer owned by
 * the transaction.  The buffer is written with one table_multi_insert (and
 * the index entries of each row) when
 *   - the transaction commits or prepares (XACT_EVENT_PRE_COMMIT /
 *     XACT_EVENT_PRE_PREPARE), so a committed decision always has its row;
 *   - a query that reads or writes datamesh.policy_audit starts (executor
 *     start hook): the rows are inserted, the command counter advanced and
 *     the query's snapshot moved to the new command, so any later query of
 *     the same transaction sees every audit row of its earlier decisions;
 *   - any utility statement but transaction control runs (COPY of the
 *     table, DDL that would change how rows are written);
 *   - the buffer holds AUDIT_BUFFER_ROWS rows.
 *
 * Subtransactions behave as if each row had been inserted where its
 * decision was made.  Every buffered row remembers the subtransaction that
 * owns it.  When a subtransaction aborts, its rows are dropped; when it
 * commits, its parent takes them over.  A row written while a deeper
 * subtransaction was current (a flush inside an exception block) is kept
 * until its owner and the writer meet: if the writer aborts first, the
 * insert is rolled back with it and the row goes back to the buffer.
 *
 * A table the direct path cannot serve (say a later version adds an insert
 * trigger or a column) gets each row through a prepared INSERT at the
 * moment of the decision, as before buffering existed.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "policy_audit.h"

/* Rows kept before the buffer is written out mid-transaction */
#define AUDIT_BUFFER_ROWS 1024

/* The columns of datamesh.policy_audit, in table order */
static const char *const audit_columns[] = {
	"id", "at", "principal", "requested_by", "action", "product_id", "decision",
	"policy_ids", "enforcement", "reason", "details"
};

/* One buffered audit row */
typedef struct AuditRow
{
	HeapTuple	tuple;
	TupleDesc	desc;			/* shape it was formed with */
	SubTransactionId owner;		/* subtransaction the decision belongs to */
	SubTransactionId written;	/* subtransaction it was inserted in; 0: pending */
} AuditRow;

/* Buffer state of the current transaction (all in audit_cxt) */
static MemoryContext audit_cxt = NULL;
static AuditRow *audit_rows = NULL;
static int	audit_nrows = 0;
static int	audit_maxrows = 0;
static int	audit_npending = 0;
static TupleDesc audit_desc = NULL; /* shape new rows are formed with */
static bool audit_direct = false;	/* table fit for the direct path */
static bool audit_shape_known = false;	/* no utility statement ran since the check */
static Oid	audit_relid = InvalidOid;
static Oid	audit_owner = InvalidOid;
static Oid	requested_by_id = InvalidOid;
static char *requested_by_name = NULL;

static bool callbacks_registered = false;
static SPIPlanPtr audit_plan = NULL;
static ExecutorStart_hook_type prev_ExecutorStart = NULL;
static ProcessUtility_hook_type prev_ProcessUtility = NULL;

static void AuditFlush(void);

/*
 * Whether an audit row can be written straight into the heap and its
 * indexes: the table is a plain one with exactly the columns above (an
 * identity id, no other defaults to apply), no insert triggers and no check
 * constraints.
 */
static bool
AuditDirectInsertOk(Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);
	TriggerDesc *trig = rel->trigdesc;
	int			i;

	if (rel->rd_rel->relkind != RELKIND_RELATION || desc->natts != (int) lengthof(audit_columns))
		return false;
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped || strcmp(NameStr(att->attname), audit_columns[i]) != 0 ||
			att->attgenerated || (i == 0) != (att->attidentity == ATTRIBUTE_IDENTITY_ALWAYS))
			return false;
	}
	if (desc->constr && desc->constr->num_check > 0)
		return false;
	if (trig && (trig->trig_insert_before_row || trig->trig_insert_after_row ||
				 trig->trig_insert_instead_row || trig->trig_insert_before_statement ||
				 trig->trig_insert_after_statement || trig->trig_insert_new_table))
		return false;
	return true;
}

/* Whether rows formed with one descriptor can be stored as they are in a table of another */
static bool
AuditSameShape(TupleDesc a, TupleDesc b)
{
	int			i;

	if (a->natts != b->natts)
		return false;
	for (i = 0; i < a->natts; i++)
	{
		Form_pg_attribute x = TupleDescAttr(a, i);
		Form_pg_attribute y = TupleDescAttr(b, i);

		if (x->atttypid != y->atttypid || x->attlen != y->attlen || x->attalign != y->attalign ||
			x->attbyval != y->attbyval || x->attisdropped != y->attisdropped)
			return false;
	}
	return true;
}

/* Insert one audit row with a prepared INSERT (SPI), which fires triggers and applies defaults */
static void
AuditSpiInsert(Datum *values, bool *nulls)
{
	Oid			argtypes[9] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID, TEXTARRAYOID,
	TEXTOID, JSONBOID};
	char		spinulls[9];
	int			rc;
	int			i;

	for (i = 0; i < 9; i++)
		spinulls[i] = nulls[i + 2] ? 'n' : ' ';
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (audit_plan == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare("INSERT INTO datamesh.policy_audit (principal, requested_by, action,"
									   " product_id, decision, policy_ids, enforcement, reason, details)"
									   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
									   9, argtypes);

		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		SPI_keepplan(plan);
		audit_plan = plan;
	}
	rc = SPI_execute_plan(audit_plan, values + 2, spinulls, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "policy audit insert failed: %s", SPI_result_code_string(rc));
	SPI_finish();
}

/* Forget the buffer (its memory goes with the transaction's) */
static void
AuditReset(void)
{
	audit_cxt = NULL;
	audit_rows = NULL;
	audit_nrows = audit_maxrows = audit_npending = 0;
	audit_desc = NULL;
	audit_direct = false;
	audit_shape_known = false;
	requested_by_id = InvalidOid;
	requested_by_name = NULL;
}

/* Drop rows that need no more tracking (written where they belong), keeping order */
static void
AuditCompact(void)
{
	int			i;
	int			n = 0;

	for (i = 0; i < audit_nrows; i++)
		if (audit_rows[i].written == InvalidSubTransactionId ||
			audit_rows[i].written != audit_rows[i].owner)
			audit_rows[n++] = audit_rows[i];
		else
			heap_freetuple(audit_rows[i].tuple);
	audit_nrows = n;
}

/* Transaction callback: write the buffer before commit or prepare, forget it after */
static void
AuditXactCallback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			AuditFlush();
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			AuditReset();
			break;
		default:
			break;
	}
}

/* Subtransaction callback: aborted rows are dropped, committed ones go to the parent */
static void
AuditSubXactCallback(SubXactEvent event, SubTransactionId mySubid, SubTransactionId parentSubid,
					 void *arg)
{
	int			i;
	int			n = 0;

	if (audit_nrows == 0)
		return;
	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		for (i = 0; i < audit_nrows; i++)
		{
			AuditRow   *r = &audit_rows[i];

			if (r->owner >= mySubid)
			{
				heap_freetuple(r->tuple);	/* its decision is rolled back */
				continue;
			}
			if (r->written >= mySubid)
				r->written = InvalidSubTransactionId;	/* its insert is rolled back */
			audit_rows[n++] = *r;
		}
		audit_nrows = n;
		audit_npending = 0;
		for (i = 0; i < audit_nrows; i++)
			if (audit_rows[i].written == InvalidSubTransactionId)
				audit_npending++;
	}
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		for (i = 0; i < audit_nrows; i++)
		{
			if (audit_rows[i].owner == mySubid)
				audit_rows[i].owner = parentSubid;
			if (audit_rows[i].written == mySubid)
				audit_rows[i].written = parentSubid;
		}
		AuditCompact();
	}
}

/* Whether a plan reads or writes the audit table */
static bool
PlanTouchesAudit(PlannedStmt *pstmt)
{
	ListCell   *lc;

	foreach(lc, pstmt->rtable)
	{
		RangeTblEntry *rte = lfirst_node(RangeTblEntry, lc);

		if (rte->rtekind == RTE_RELATION && rte->relid == audit_relid)
			return true;
	}
	return false;
}

/*
 * ExecutorStart hook: before a query that touches the audit table, write
 * the buffered rows and let the query see them.
 */
static void
AuditExecutorStart(QueryDesc *queryDesc, int eflags)
{
	if (audit_npending > 0 && PlanTouchesAudit(queryDesc->plannedstmt))
	{
		AuditFlush();
		CommandCounterIncrement();
		if (queryDesc->snapshot != NULL && IsMVCCSnapshot(queryDesc->snapshot))
		{
			Snapshot	old = queryDesc->snapshot;

			/* a private copy that sees the command just completed */
			PushCopiedSnapshot(old);
			UpdateActiveSnapshotCommandId();
			queryDesc->snapshot = RegisterSnapshot(GetActiveSnapshot());
			PopActiveSnapshot();
			UnregisterSnapshot(old);
		}
	}
	if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}

/* ProcessUtility hook: write the buffer before any utility statement but transaction control */
static void
AuditProcessUtility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
					ProcessUtilityContext context, ParamListInfo params,
					QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	if (audit_npending > 0 && !IsA(pstmt->utilityStmt, TransactionStmt))
	{
		AuditFlush();
		CommandCounterIncrement();
	}
	if (prev_ProcessUtility)
		prev_ProcessUtility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
	/* it may have changed the table: the next decision checks it again */
	audit_shape_known = false;
}

/*
 * Insert the pending rows, as the extension owner, in the current
 * subtransaction.  The rows count as written before the inserts run: an
 * error aborts the subtransaction, whose callback puts them back (and the
 * prepared INSERT of the general path does not come back here).
 */
static void
AuditFlush(void)
{
	SubTransactionId current;
	Oid			save_user;
	int			save_sec;
	Relation	rel;
	TupleTableSlot **slots;
	int			nslots = 0;
	bool		direct;
	int			i;

	if (audit_npending == 0)
		return;
	current = GetCurrentSubTransactionId();
	slots = palloc(sizeof(TupleTableSlot *) * audit_npending);
	for (i = 0; i < audit_nrows; i++)
	{
		if (audit_rows[i].written != InvalidSubTransactionId)
			continue;
		slots[nslots] = MakeSingleTupleTableSlot(audit_rows[i].desc, &TTSOpsHeapTuple);
		ExecStoreHeapTuple(audit_rows[i].tuple, slots[nslots], false);
		nslots++;
		audit_rows[i].written = current;
	}
	audit_npending = 0;

	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(audit_owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	rel = table_open(audit_relid, RowExclusiveLock);
	direct = AuditDirectInsertOk(rel);
	for (i = 0; direct && i < nslots; i++)
		if (!AuditSameShape(RelationGetDescr(rel), slots[i]->tts_tupleDescriptor))
			direct = false;
	if (direct)
	{
		EState	   *estate = CreateExecutorState();
		ResultRelInfo *rri = makeNode(ResultRelInfo);

		InitResultRelInfo(rri, rel, 1, NULL, 0);
		ExecOpenIndices(rri, false);
		table_multi_insert(rel, slots, nslots, GetCurrentCommandId(true), 0, NULL);
		for (i = 0; i < nslots; i++)
		{
			ResetPerTupleExprContext(estate);
			(void) ExecInsertIndexTuples(rri, slots[i], estate, false, false, NULL, NIL);
		}
		ExecCloseIndices(rri);
		FreeExecutorState(estate);
	}
	else
	{
		/* the table changed since the rows were formed: insert them one by one */
		Datum		values[lengthof(audit_columns)];
		bool		nulls[lengthof(audit_columns)];

		for (i = 0; i < nslots; i++)
		{
			if (slots[i]->tts_tupleDescriptor->natts != (int) lengthof(audit_columns))
				elog(ERROR, "buffered audit row has %d columns", slots[i]->tts_tupleDescriptor->natts);
			heap_deform_tuple(ExecFetchSlotHeapTuple(slots[i], false, NULL), slots[i]->tts_tupleDescriptor,
							  values, nulls);
			AuditSpiInsert(values, nulls);
		}
	}
	for (i = 0; i < nslots; i++)
		ExecDropSingleTupleTableSlot(slots[i]);
	pfree(slots);
	table_close(rel, NoLock);
	SetUserIdAndSecContext(save_user, save_sec);
	AuditCompact();
}

/* Start of a transaction's buffer: check the table, keep its shape */
static void
AuditBegin(Oid relid, Oid seqid, Oid owner)
{
	Oid			save_user;
	int			save_sec;
	Relation	rel;
	MemoryContext old;

	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	rel = table_open(relid, RowExclusiveLock);
	if (audit_cxt == NULL)
	{
		audit_cxt = AllocSetContextCreate(TopTransactionContext, "datamesh policy audit",
										  ALLOCSET_DEFAULT_SIZES);
		audit_maxrows = 64;
		audit_rows = MemoryContextAlloc(audit_cxt, sizeof(AuditRow) * audit_maxrows);
	}
	audit_direct = OidIsValid(seqid) && AuditDirectInsertOk(rel);
	if (audit_desc == NULL || !AuditSameShape(audit_desc, RelationGetDescr(rel)))
	{
		old = MemoryContextSwitchTo(audit_cxt);
		audit_desc = CreateTupleDescCopy(RelationGetDescr(rel));
		MemoryContextSwitchTo(old);
	}
	audit_shape_known = true;
	table_close(rel, NoLock);
	SetUserIdAndSecContext(save_user, save_sec);
	audit_relid = relid;
	audit_owner = owner;
}

/* The session user's name, looked up once per transaction */
const char *
PolicyAuditRequestedBy(void)
{
	Oid			session = GetSessionUserId();

	if (requested_by_name == NULL || requested_by_id != session || audit_cxt == NULL)
	{
		char	   *name = GetUserNameFromId(session, false);

		if (audit_cxt == NULL)
			return name;
		requested_by_name = MemoryContextStrdup(audit_cxt, name);
		requested_by_id = session;
	}
	return requested_by_name;
}

/*
 * Record one audit row: values[2..10] (principal .. details) are given, id
 * and time are assigned here.  The row is buffered (see the file header),
 * or inserted at once through SPI when the table needs the general path.
 * Called with the extension's own objects resolved: relid is
 * datamesh.policy_audit, seqid its identity sequence, owner the extension
 * owner.
 */
void
PolicyAuditWrite(Oid relid, Oid seqid, Oid owner, Datum *values, bool *nulls)
{
	MemoryContext old;
	AuditRow   *r;

	/* a decision that must be recorded cannot be made where nothing may be written */
	PreventCommandIfReadOnly("datamesh.evaluate with an audited outcome");
	PreventCommandIfParallelMode("datamesh.evaluate with an audited outcome");
	if (!callbacks_registered)
	{
		RegisterXactCallback(AuditXactCallback, NULL);
		RegisterSubXactCallback(AuditSubXactCallback, NULL);
		callbacks_registered = true;
	}
	if (audit_cxt == NULL || !audit_shape_known || audit_relid != relid)
	{
		AuditFlush();
		AuditBegin(relid, seqid, owner);
	}
	if (!audit_direct)
	{
		Oid			save_user;
		int			save_sec;

		GetUserIdAndSecContext(&save_user, &save_sec);
		SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);
		AuditSpiInsert(values, nulls);
		SetUserIdAndSecContext(save_user, save_sec);
		return;
	}

	values[0] = Int64GetDatum(nextval_internal(seqid, false));
	nulls[0] = false;
	values[1] = TimestampTzGetDatum(GetCurrentTimestamp());
	nulls[1] = false;
	if (audit_nrows == audit_maxrows)
	{
		audit_maxrows *= 2;
		audit_rows = repalloc(audit_rows, sizeof(AuditRow) * audit_maxrows);	/* in audit_cxt */
	}
	old = MemoryContextSwitchTo(audit_cxt);
	r = &audit_rows[audit_nrows++];
	r->tuple = heap_form_tuple(audit_desc, values, nulls);
	r->desc = audit_desc;
	r->owner = GetCurrentSubTransactionId();
	r->written = InvalidSubTransactionId;
	MemoryContextSwitchTo(old);
	if (++audit_npending >= AUDIT_BUFFER_ROWS)
		AuditFlush();
}

/* Module load: install the hooks that write the buffer before it is read */
void
PolicyAuditInit(void)
{
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = AuditExecutorStart;
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = AuditProcessUtility;
}
