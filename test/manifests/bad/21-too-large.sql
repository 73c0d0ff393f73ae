# expect: 54000 exceeds the limit
-- a valid manifest with a 2 MB description, above datamesh.manifest_max_bytes (1MB)
replace($m$apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: bad-product
  domain: bad-domain
  owner: bad-team@company.com
  version: 1.0.0
spec:
  description: A data product whose manifest has one mistake.
  output_ports:
    - name: items-table
      type: table
      relation: bad_schema.items
  sla:
    availability: 99.9%
    freshness: 1 hour
$m$, 'one mistake.', repeat('x', 2 * 1024 * 1024))
