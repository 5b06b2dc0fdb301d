/**
 * Where a source address is on the Internet: its autonomous system and country, read from
 * MaxMind-format databases the operator provides (GeoLite2 ASN and Country, DB-IP Lite, IPinfo
 * Lite). Off the request path: the incident bookkeeping on the control-plane thread asks about the
 * sampled refused requests, and the dashboard about its busiest networks, so reports can name the
 * networks and countries an attack came from.
 */
package io.rampart.geo;
