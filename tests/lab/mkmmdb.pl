#!/usr/bin/perl
# Writes the lab's mmdb test files with MaxMind's own writer (libmaxmind-db-writer-perl):
#   mkmmdb.pl DIR
#   DIR/lab-asn.mmdb      GeoLite2-ASN layout: autonomous_system_number / _organization
#   DIR/lab-ipinfo.mmdb   IPinfo ASN layout: asn ("AS64520") / name
#   DIR/lab-country.mmdb  GeoLite2-Country layout: country.iso_code
#   DIR/lab-city.mmdb     a City-type database (the wrong type for --asn-db)
#   DIR/corrupt.mmdb      not a database at all
# The lab uses 198.18.0.0/15 and 2001:db8::/32, which the writer drops as reserved unless
# remove_reserved_networks => 0.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $dir = shift or die "usage: mkmmdb.pl DIR\n";

sub tree {
    my ($type, $types) = @_;
    return MaxMind::DB::Writer::Tree->new(
        ip_version               => 6,
        record_size              => 24,
        database_type            => $type,
        languages                => ['en'],
        description              => { en => "hopwatch test lab ($type)" },
        remove_reserved_networks => 0,
        alias_ipv6_to_ipv4       => 1,
        map_key_type_callback    => sub { $types->{ $_[0] } },
    );
}

sub write_tree {
    my ($tree, $name) = @_;
    open my $fh, '>:raw', "$dir/$name" or die "$dir/$name: $!";
    $tree->write_tree($fh);
    close $fh;
}

my $asn = tree('GeoLite2-ASN',
    { autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string' });
$asn->insert_network('198.18.0.0/24', { autonomous_system_number => 64500,
    autonomous_system_organization => 'LAB-ZERO Example Networks' });
$asn->insert_network('198.18.1.0/24', { autonomous_system_number => 64501,
    autonomous_system_organization => "LAB-ONE \x{1b}[31mred\x{1b}[0m Transit" });
$asn->insert_network('2001:db8::/48', { autonomous_system_number => 64600,
    autonomous_system_organization => 'LAB-V6-ZERO' });
$asn->insert_network('2001:db8:2::/48', { autonomous_system_number => 64602,
    autonomous_system_organization => 'LAB-V6-TWO' });
write_tree($asn, 'lab-asn.mmdb');

my $ipinfo = tree('ipinfo asn.mmdb', { asn => 'utf8_string', name => 'utf8_string',
    domain => 'utf8_string' });
$ipinfo->insert_network('198.18.0.0/24', { asn => 'AS64520', name => 'IPINFO-LAB',
    domain => 'lab.example' });
write_tree($ipinfo, 'lab-ipinfo.mmdb');

my $geo = tree('GeoLite2-Country', { country => 'map', iso_code => 'utf8_string' });
$geo->insert_network('198.18.0.0/24', { country => { iso_code => 'NL' } });
$geo->insert_network('2001:db8::/48', { country => { iso_code => 'SE' } });
write_tree($geo, 'lab-country.mmdb');

my $city = tree('GeoLite2-City', { city => 'map', names => 'map', en => 'utf8_string' });
$city->insert_network('198.18.0.0/24', { city => { names => { en => 'Labville' } } });
write_tree($city, 'lab-city.mmdb');

# The segments lab (tests/netns/test_segments.py): the client's own network and hop 3 are the
# ISP's AS, hop 4 a transit AS, the destination a third.
my $seg = tree('GeoLite2-ASN',
    { autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string' });
for (['198.18.0.0/24', '2001:db8::/48', 64500, 'Example Net'],
     ['198.18.2.0/24', '2001:db8:2::/48', 64500, 'Example Net'],
     ['198.18.3.0/24', '2001:db8:3::/48', 64501, 'Transit Co'],
     ['198.18.4.0/24', '2001:db8:4::/48', 64502, 'Dest Net']) {
    my ($v4, $v6, $as, $name) = @$_;
    for my $net ($v4, $v6) {
        $seg->insert_network($net, { autonomous_system_number => $as,
            autonomous_system_organization => $name });
    }
}
write_tree($seg, 'lab-segments.mmdb');

open my $fh, '>:raw', "$dir/corrupt.mmdb" or die;
print $fh "\x00" x 100, "this is not a MaxMind DB", "\xab\xcd\xef" x 50;
close $fh;
