#!/usr/bin/env bash
# docs/guide-first-data-product.md cannot drift from the product: every ```sql
# block of the guide occurs verbatim in sql/guide_walkthrough.sql (which
# pg_regress runs against expected/guide_walkthrough.out), and the guide's
# numbered sections ("## N. Title") are the test's ("-- N. Title"), in order.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
perl -e '
    use strict;
    my ($guide, $test) = @ARGV;
    local $/;
    open my $g, "<", $guide or die "cannot open $guide\n";
    open my $t, "<", $test or die "cannot open $test\n";
    my $doc = <$g>;
    my $sql = <$t>;
    my @errors;
    my $n = 0;
    while ($doc =~ /^```sql\n(.*?)^```$/msg) {
        my $block = $1;
        $n++;
        push @errors, "sql block $n of $guide is not in $test:\n$block" if index($sql, $block) < 0;
    }
    push @errors, "$guide has no sql blocks" if $n == 0;
    my @gs = ($doc =~ /^## (\d+\. .*)$/mg);
    my @ts = ($sql =~ /^-- (\d+\. .*)$/mg);
    push @errors, "sections differ:\n  guide: " . join(" | ", @gs) . "\n  test:  " . join(" | ", @ts)
        unless join("\n", @gs) eq join("\n", @ts);
    die join("\n", map { "FAIL: $_" } @errors) . "\n" if @errors;
    print "ok: $n sql blocks and " . scalar(@gs) . " sections of $guide are in $test\n";
' docs/guide-first-data-product.md sql/guide_walkthrough.sql
