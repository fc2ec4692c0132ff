#Requires -Version 7.0
#Requires -Modules Microsoft.Graph.Authentication, ExchangeOnlineManagement
<#
.SYNOPSIS
  Exports what tenantscan needs from a Microsoft 365 tenant into a folder
  that `tenantscan scan` reads directly (see docs/export.md).

.DESCRIPTION
  Writes Graph, Exchange Online and Dataverse responses unchanged, one file
  per page. Read-only: it makes GET calls only. tenantscan-extra.yaml (the
  facts no API returns) is yours to write; a template is created if absent.

.EXAMPLE
  ./export.ps1 -Out ./export-contoso -DataverseUrl https://contoso-sales.crm4.dynamics.com
#>
param(
  [Parameter(Mandatory)] [string] $Out,
  # One or more Dynamics 365 environments, e.g. https://contoso-sales.crm4.dynamics.com
  [string[]] $DataverseUrl = @()
)
$ErrorActionPreference = 'Stop'

# Save every page of a Graph or Dataverse collection: name.json, name.2.json …
function Save-Pages([string] $Uri, [string] $Path, [hashtable] $Headers = @{}, [switch] $Dataverse) {
  New-Item -ItemType Directory -Force -Path (Split-Path $Path) | Out-Null
  $page = 1
  while ($Uri) {
    if ($Dataverse) { $response = Invoke-RestMethod -Uri $Uri -Headers $Headers }
    else { $response = Invoke-MgGraphRequest -Method GET -Uri $Uri -OutputType Json | ConvertFrom-Json }
    $file = if ($page -eq 1) { $Path } else { $Path -replace '\.json$', ".$page.json" }
    $response | ConvertTo-Json -Depth 20 | Set-Content -Encoding utf8 -Path $file
    $Uri = $response.'@odata.nextLink'
    $page++
  }
}

# Microsoft Graph (v1.0)
Connect-MgGraph -Scopes 'Organization.Read.All', 'User.Read.All', 'GroupMember.Read.All' -NoWelcome
$g = 'https://graph.microsoft.com/v1.0'
Save-Pages "$g/organization" "$Out/graph/organization.json"
Save-Pages "$g/subscribedSkus" "$Out/graph/subscribedSkus.json"
Save-Pages "$g/users?`$select=id,userPrincipalName,accountEnabled,userType,assignedLicenses&`$top=999" "$Out/graph/users.json"
Save-Pages "$g/groups?`$filter=groupTypes/any(c:c eq 'Unified')&`$select=id,displayName,mail,visibility,groupTypes&`$top=999" "$Out/graph/groups.json"
foreach ($file in Get-ChildItem "$Out/graph" -Filter 'groups*.json') {
  foreach ($group in (Get-Content $file -Raw | ConvertFrom-Json).value) {
    Save-Pages "$g/groups/$($group.id)/members?`$select=id,userPrincipalName,displayName&`$top=999" "$Out/graph/groups/$($group.id)/members.json"
  }
}

# Exchange Online
Connect-ExchangeOnline -ShowBanner:$false
New-Item -ItemType Directory -Force -Path "$Out/exchange" | Out-Null
Get-EXOMailbox -ResultSize Unlimited |
  Select-Object ExternalDirectoryObjectId, UserPrincipalName, @{n = 'RecipientTypeDetails'; e = { "$($_.RecipientTypeDetails)" } } |
  ConvertTo-Json -Depth 3 | Set-Content -Encoding utf8 -Path "$Out/exchange/mailboxes.json"

# Dataverse Web API (v9.2), one folder per environment
foreach ($url in $DataverseUrl) {
  $name = ([Uri]$url).Host.Split('.')[0]
  $token = (Get-AzAccessToken -ResourceUrl $url -AsSecureString:$false).Token   # Az.Accounts; any OAuth token for $url works
  $h = @{ Authorization = "Bearer $token"; Accept = 'application/json'; 'OData-Version' = '4.0'; 'OData-MaxVersion' = '4.0' }
  $api = "$url/api/data/v9.2"
  $dir = "$Out/dataverse/$name"
  Save-Pages "$api/RetrieveVersion()" "$dir/RetrieveVersion.json" $h -Dataverse
  Save-Pages "$api/organizations?`$select=organizationid,name,sharepointdeploymenttype,emailconnectionchannel" "$dir/organizations.json" $h -Dataverse
  Save-Pages "$api/solutions?`$select=uniquename,friendlyname,version,ismanaged,installedon" "$dir/solutions.json" $h -Dataverse
  Save-Pages "$api/roles?`$select=roleid,name,_businessunitid_value,_parentrootroleid_value" "$dir/roles.json" $h -Dataverse
  Save-Pages "$api/roleprivilegescollection?`$select=roleid,privilegeid,privilegedepthmask" "$dir/roleprivileges.json" $h -Dataverse
  Save-Pages "$api/privileges?`$select=privilegeid,name&`$filter=name eq 'prvISVExtensions'" "$dir/privileges.json" $h -Dataverse
  Save-Pages "$api/systemusers?`$select=systemuserid,domainname,isdisabled,internalemailaddress,azureactivedirectoryobjectid&`$expand=systemuserroles_association(`$select=roleid,name)" "$dir/systemusers.json" $h -Dataverse
}

# The facts no API returns: a template to complete.
$extra = "$Out/tenantscan-extra.yaml"
if (-not (Test-Path $extra)) {
  $lines = @("exportedAt: $((Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ'))", 'instances:')
  foreach ($url in $DataverseUrl) {
    $lines += "  $(([Uri]$url).Host.Split('.')[0]):", "    url: $url", '    usesGroups: true',
      '    sharePoint: {oneNoteIntegration: false}', '    customizations: {unpublished: false}', '    groupEntities: []'
  }
  $lines += 'groups: {}', 'users: {}'
  $lines | Set-Content -Encoding utf8 -Path $extra
  Write-Host "Complete $extra (Groups settings, connectors, sensitivity, PSTN use), then: tenantscan scan $Out"
}
