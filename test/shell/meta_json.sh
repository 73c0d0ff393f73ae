#!/usr/bin/env bash
# META.json follows the PGXN META spec 1.0.0 and carries the version of
# datamesh.control (the single source of the version).
set -euo pipefail
cd "$(dirname "$0")/../.."
control_version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" datamesh.control)
perl -MJSON::PP -e '
    use strict;
    my ($file, $want) = @ARGV;
    open my $fh, "<", $file or die "cannot open $file\n";
    my $meta = JSON::PP->new->decode(do { local $/; <$fh> });
    my @errors;
    for my $key (qw(name abstract version maintainer license provides meta-spec)) {
        push @errors, "missing required key \"$key\"" unless exists $meta->{$key};
    }
    push @errors, "meta-spec.version must be 1.0.0" unless ($meta->{"meta-spec"}{version} // "") eq "1.0.0";
    push @errors, "version must be semver" unless ($meta->{version} // "") =~ /^\d+\.\d+\.\d+/;
    push @errors, "version $meta->{version} differs from datamesh.control $want" unless $meta->{version} eq $want;
    my $p = $meta->{provides}{datamesh} or push @errors, "provides.datamesh missing";
    if ($p) {
        push @errors, "provides.datamesh.version $p->{version} differs from $want" unless $p->{version} eq $want;
        push @errors, "provides.datamesh.file $p->{file} does not exist" unless -e $p->{file};
    }
    my %licenses = map { $_ => 1 } qw(agpl_3 apache_1_1 apache_2_0 artistic_1 artistic_2 bsd
        freebsd gfdl_1_2 gfdl_1_3 gpl_1 gpl_2 gpl_3 lgpl_2_1 lgpl_3_0 mit mozilla_1_0 mozilla_1_1
        openssl perl_5 postgresql qpl_1_0 ssleay sun zlib open_source restricted unrestricted unknown);
    push @errors, "unknown license $meta->{license}" unless !ref $meta->{license} && $licenses{$meta->{license}};
    die join("\n", @errors) . "\n" if @errors;
    print "META.json valid, version $want\n";
' META.json "$control_version"
