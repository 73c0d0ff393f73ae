/*
 * policy_audit.h
 *		The buffered decision audit (policy_audit.c).
 */
#ifndef POLICY_AUDIT_H
#define POLICY_AUDIT_H

extern void PolicyAuditInit(void);
extern const char *PolicyAuditRequestedBy(void);
extern void PolicyAuditWrite(Oid relid, Oid seqid, Oid owner, Datum *values, bool *nulls);

#endif							/* POLICY_AUDIT_H */
