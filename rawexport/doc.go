// Package rawexport imports a raw export folder — the responses of
// Microsoft Graph, Exchange Online and the Dataverse Web API as the services
// return them, plus tenantscan-extra.yaml — into a snapshot (LoadExport).
package rawexport
