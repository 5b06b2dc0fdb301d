#!/usr/bin/perl
# Writes a small MaxMind-format database for Rampart's tests with Debian's
# libmaxmind-db-writer-perl, in the record shape of a well-known free database.
#   make-mmdb.pl asn|country|ipinfo OUTPUT
#   asn:     GeoLite2-ASN shape      127.31.0.0/16 -> AS64500 "Botnet Hosting Ltd"
#   country: GeoLite2-Country shape  127.31.0.0/16 -> ZZ, 127.33.0.0/16 -> XB
#   ipinfo:  IPinfo Lite shape       127.32.0.0/16 -> "AS64501" "Other Net", XA
# Loopback ranges only: the writer is told not to drop reserved networks.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($kind, $out) = @ARGV;
die "usage: make-mmdb.pl asn|country|ipinfo OUTPUT\n" unless $kind && $out;
my %types = (autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string',
             country => 'map', iso_code => 'utf8_string', asn => 'utf8_string', as_name => 'utf8_string',
             country_code => 'utf8_string');
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version => 4, record_size => 24, database_type => "Rampart-Test-$kind", languages => ['en'],
    description => { en => "Rampart test database ($kind)" }, remove_reserved_networks => 0,
    map_key_type_callback => sub { $types{ $_[0] } });
if ($kind eq 'asn') {
    $tree->insert_network('127.31.0.0/16', { autonomous_system_number => 64500,
                                             autonomous_system_organization => 'Botnet Hosting Ltd' });
} elsif ($kind eq 'country') {
    $tree->insert_network('127.31.0.0/16', { country => { iso_code => 'ZZ' } });
    $tree->insert_network('127.33.0.0/16', { country => { iso_code => 'XB' } });
} elsif ($kind eq 'ipinfo') {
    $tree->insert_network('127.32.0.0/16', { asn => 'AS64501', as_name => 'Other Net', country_code => 'XA' });
} else {
    die "unknown kind $kind\n";
}
open my $fh, '>:raw', $out or die "cannot write $out: $!\n";
$tree->write_tree($fh);
close $fh;
