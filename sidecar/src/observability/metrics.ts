/** Prometheus metrics (prom-client) on a registry of the sidecar's own, served at /metrics. */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const createMetrics = () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'otp_sidecar_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'otp_sidecar_http_requests_total',
      help: 'HTTP requests, by route and status class (aborted: the client left before the answer)',
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    keycloakCalls: new Counter({
      name: 'otp_sidecar_keycloak_calls_total',
      help: 'Keycloak admin API operations, by outcome',
      labelNames: ['operation', 'outcome'] as const,
      registers: [registry],
    }),
    keycloakCallSeconds: new Histogram({
      name: 'otp_sidecar_keycloak_call_seconds',
      help: 'Duration of Keycloak admin API operations including retries',
      labelNames: ['operation'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    keycloakUp: new Gauge({
      name: 'otp_sidecar_keycloak_up',
      help: '1 while Keycloak answers, 0 while the circuit is open',
      registers: [registry],
    }),
    usersRequired: new Gauge({
      name: 'otp_sidecar_users_required',
      help: 'users the policy requires to have OTP',
      registers: [registry],
    }),
    usersWithOtp: new Gauge({
      name: 'otp_sidecar_users_required_with_otp',
      help: 'required users who have OTP',
      registers: [registry],
    }),
    usersPending: new Gauge({
      name: 'otp_sidecar_users_pending',
      help: 'required users without OTP',
      registers: [registry],
    }),
    reconcileRuns: new Counter({
      name: 'otp_sidecar_reconcile_runs_total',
      help: 'enforcement passes, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    reconcileWrites: new Counter({
      name: 'otp_sidecar_reconcile_writes_total',
      help: 'CONFIGURE_TOTP actions added',
      registers: [registry],
    }),
    lastReconcile: new Gauge({
      name: 'otp_sidecar_last_reconcile_timestamp_seconds',
      help: 'end of the last complete enforcement pass',
      registers: [registry],
    }),
    deviceFullSyncs: new Counter({
      name: 'otp_sidecar_device_full_syncs_total',
      help: 'full device syncs started, by reason (start, schedule, api, events disabled, retention gap)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    deviceLastFullSync: new Gauge({
      name: 'otp_sidecar_device_last_full_sync_timestamp_seconds',
      help: 'end of the last complete device full sync',
      registers: [registry],
    }),
    eventLagSeconds: new Gauge({
      name: 'otp_sidecar_event_lag_seconds',
      help: 'age of the newest Keycloak event read by the last poll',
      registers: [registry],
    }),
    emailsSent: new Counter({
      name: 'otp_sidecar_emails_sent_total',
      help: 'emails delivered, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    helpdeskWritesRefused: new Counter({
      name: 'otp_sidecar_helpdesk_writes_refused_total',
      help: 'helpdesk writes refused, by reason (rate_limited, ticket_required, protected_target, verification_*, …): alert on a rise',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    emailFailures: new Counter({
      name: 'otp_sidecar_email_failures_total',
      help: 'failed delivery attempts',
      registers: [registry],
    }),
  };
};

export type Metrics = ReturnType<typeof createMetrics>;
