package dev.filesapi.database;

import jakarta.persistence.EntityManager;

/**
 * Transaction-scoped PostgreSQL advisory locks: they serialise a find-or-create across every
 * replica and are released at commit or rollback.
 */
public final class AdvisoryLocks {
  private AdvisoryLocks() {}

  /** Blocks until this transaction holds the lock named by scope, organization and name. */
  public static void lock(EntityManager em, String scope, String organizationId, String name) {
    em.createNativeQuery("select 1 from (select pg_advisory_xact_lock(hashtextextended(?1, 0))) l")
        .setParameter(1, scope + '\u001f' + organizationId + '\u001f' + name)
        .getSingleResult();
  }
}
