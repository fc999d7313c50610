module fleet-secrets.io/regexp-oracle

go 1.22
