/**
 * Where a source address is on the Internet: its autonomous system and country, read from
 * MaxMind-format databases the operator provides (GeoLite2 ASN and Country, DB-IP Lite, IPinfo
 * Lite). On the request path only once per client address and connection, when
 * {@code RequestFeatures} fills the {@code asn} and {@code country} dimensions that operator rules
 * can match; beside it, the incident bookkeeping on the control-plane thread names the sampled
 * refused requests' networks and countries, and the dashboard its busiest networks.
 */
package io.rampart.geo;
