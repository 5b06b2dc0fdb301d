/**
 * Incidents: the record an organisation sends after an attack. Beside the request path, on the
 * control plane's thread: {@link io.rampart.incident.Incidents} hears every tick, state change and
 * rule event of {@link io.rampart.detect.ControlPlane}, opens an incident when a site is attacked
 * (or an operator says so), keeps its figures, sources, actions, impact on known users and a
 * data-egress check, and closes it after a quiet period. Records are kept in SQLite
 * ({@link io.rampart.incident.SqliteIncidentStore}), rendered as Markdown, HTML, JSON and a STIX 2.1
 * bundle ({@link io.rampart.incident.Reports}), and announced through
 * {@link io.rampart.incident.Alerts} (webhooks, email) from a thread of their own.
 */
package io.rampart.incident;
