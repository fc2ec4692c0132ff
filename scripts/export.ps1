#Requires -Version 5.1
#Requires -Modules Microsoft.Graph.Authentication, ExchangeOnlineManagement
<#
.SYNOPSIS
  Exports what tenantscan needs from a Microsoft 365 tenant into a folder
  that `tenantscan scan` reads directly (see docs/export.md).

.DESCRIPTION
  Writes Graph, Exchange Online and Dataverse responses unchanged, one file
  per page (name.json, name.2.json ... following @odata.nextLink), for
  every paged call. Read-only: it makes GET calls only. Runs in Windows
  PowerShell 5.1 and PowerShell 7. tenantscan-extra.yaml (the facts no API
  returns) is yours to complete; a template is created if absent.
  docs/export.md lists the same calls, in the same order.

.EXAMPLE
  ./export.ps1 -Out ./export-contoso -DataverseUrl https://contoso-sales.crm4.dynamics.com

.EXAMPLE
  # Each role's privileges by RetrieveRolePrivilegesRole instead of roleprivilegescollection
  ./export.ps1 -Out ./export-contoso -DataverseUrl https://contoso-sales.crm4.dynamics.com -RolePrivilegesPerRole
#>
param(
  [Parameter(Mandatory)] [string] $Out,
  # One or more Dynamics 365 environments, e.g. https://contoso-sales.crm4.dynamics.com
  [string[]] $DataverseUrl = @(),
  # Save roleprivileges/<roleid>.json (RetrieveRolePrivilegesRole) instead of roleprivileges.json
  [switch] $RolePrivilegesPerRole
)
$ErrorActionPreference = 'Stop'
$utf8 = New-Object System.Text.UTF8Encoding $false

# Write a response body exactly as the service returned it.
function Save-Text([string] $Path, [string] $Text) {
  New-Item -ItemType Directory -Force -Path (Split-Path $Path) | Out-Null
  [System.IO.File]::WriteAllText($Path, $Text, $utf8)
}

# GET one page: the body as text.
function Get-Page([string] $Uri, [hashtable] $Headers, [switch] $Dataverse) {
  if ($Dataverse) { return (Invoke-WebRequest -Uri $Uri -Headers $Headers -UseBasicParsing).Content }
  return Invoke-MgGraphRequest -Method GET -Uri $Uri -OutputType Json
}

# Save every page of a collection: name.json, name.2.json ... until a page
# has no @odata.nextLink. Returns the items of all pages.
function Save-Pages([string] $Uri, [string] $Path, [hashtable] $Headers = @{}, [switch] $Dataverse) {
  $page = 1
  $items = @()
  while ($Uri) {
    $text = Get-Page $Uri $Headers -Dataverse:$Dataverse
    $file = if ($page -eq 1) { $Path } else { $Path -replace '\.json$', ".$page.json" }
    Save-Text $file $text
    $response = $text | ConvertFrom-Json
    if ($null -ne $response.value) { $items += $response.value }
    $Uri = $response.'@odata.nextLink'
    $page++
  }
  return $items
}

# Microsoft Graph (v1.0)
Connect-MgGraph -Scopes 'Organization.Read.All', 'User.Read.All', 'GroupMember.Read.All' -NoWelcome
$g = 'https://graph.microsoft.com/v1.0'
Save-Pages "$g/organization" "$Out/graph/organization.json" | Out-Null
Save-Pages "$g/subscribedSkus" "$Out/graph/subscribedSkus.json" | Out-Null
Save-Pages "$g/users?`$select=id,userPrincipalName,accountEnabled,userType,assignedLicenses&`$top=999" "$Out/graph/users.json" | Out-Null
$groups = Save-Pages "$g/groups?`$filter=groupTypes/any(c:c eq 'Unified')&`$select=id,displayName,mail,visibility,groupTypes&`$top=999" "$Out/graph/groups.json"
foreach ($group in $groups) {
  Save-Pages "$g/groups/$($group.id)/members?`$select=id,userPrincipalName,displayName&`$top=999" "$Out/graph/groups/$($group.id)/members.json" | Out-Null
}

# Exchange Online. Windows PowerShell 5.1's ConvertTo-Json has no
# -EnumsAsStrings: the calculated property makes RecipientTypeDetails a string.
Connect-ExchangeOnline -ShowBanner:$false
$mailboxes = Get-EXOMailbox -ResultSize Unlimited |
  Select-Object ExternalDirectoryObjectId, UserPrincipalName,
    @{ Name = 'RecipientTypeDetails'; Expression = { "$($_.RecipientTypeDetails)" } } |
  ConvertTo-Json -Depth 3
Save-Text "$Out/exchange/mailboxes.json" "$mailboxes"

# Dataverse Web API (v9.2), one folder per environment
foreach ($url in $DataverseUrl) {
  $name = ([Uri]$url).Host.Split('.')[0]
  $token = (Get-AzAccessToken -ResourceUrl $url).Token   # Az.Accounts; any OAuth token for $url works
  if ($token -is [System.Security.SecureString]) { $token = (New-Object System.Net.NetworkCredential '', $token).Password }
  $h = @{ Authorization = "Bearer $token"; Accept = 'application/json'; 'OData-Version' = '4.0'; 'OData-MaxVersion' = '4.0'
    Prefer = 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' }
  $api = "$url/api/data/v9.2"
  $dir = "$Out/dataverse/$name"
  Save-Pages "$api/RetrieveVersion()" "$dir/RetrieveVersion.json" $h -Dataverse | Out-Null
  Save-Pages "$api/organizations?`$select=organizationid,name,emailconnectionchannel,requireapprovalforuseremail,sharepointdeploymenttype" "$dir/organizations.json" $h -Dataverse | Out-Null
  Save-Pages "$api/solutions?`$select=uniquename,friendlyname,version,ismanaged,installedon" "$dir/solutions.json" $h -Dataverse | Out-Null
  Save-Pages "$api/businessunits?`$select=businessunitid,name,_parentbusinessunitid_value" "$dir/businessunits.json" $h -Dataverse | Out-Null
  $roles = Save-Pages "$api/roles?`$select=roleid,name,_businessunitid_value,_parentrootroleid_value" "$dir/roles.json" $h -Dataverse
  if ($RolePrivilegesPerRole) {
    foreach ($role in $roles) {
      Save-Text "$dir/roleprivileges/$($role.roleid).json" (Get-Page "$api/RetrieveRolePrivilegesRole(RoleId=@r)?@r=$($role.roleid)" $h -Dataverse)
    }
  } else {
    Save-Pages "$api/roleprivilegescollection?`$select=roleid,privilegeid,privilegedepthmask" "$dir/roleprivileges.json" $h -Dataverse | Out-Null
  }
  Save-Pages "$api/privileges?`$select=privilegeid,name&`$filter=name eq 'prvISVExtensions'" "$dir/privileges.json" $h -Dataverse | Out-Null
  Save-Pages "$api/teams?`$select=teamid,name,teamtype,_businessunitid_value&`$expand=teamroles_association(`$select=roleid)" "$dir/teams.json" $h -Dataverse | Out-Null
  Save-Pages "$api/systemusers?`$select=systemuserid,domainname,fullname,isdisabled,accessmode,applicationid,isintegrationuser,azureactivedirectoryobjectid&`$expand=systemuserroles_association(`$select=roleid),teammembership_association(`$select=teamid)" "$dir/systemusers.json" $h -Dataverse | Out-Null
  Save-Pages "$api/emailserverprofiles?`$select=emailserverprofileid,name,servertype,exchangeonlinetenantid,statecode" "$dir/emailserverprofiles.json" $h -Dataverse | Out-Null
  Save-Pages "$api/mailboxes?`$select=mailboxid,name,_emailserverprofile_value,incomingemaildeliverymethod,outgoingemaildeliverymethod,emailrouteraccessapproval,incomingemailstatus,outgoingemailstatus,statecode,_regardingobjectid_value" "$dir/mailboxes.json" $h -Dataverse | Out-Null
  Save-Pages "$api/sharepointsites?`$select=sharepointsiteid,name,absoluteurl,isdefault,servicetype,validationstatus,statecode" "$dir/sharepointsites.json" $h -Dataverse | Out-Null
  Save-Pages "$api/EntityDefinitions?`$select=LogicalName,IsDocumentManagementEnabled,IsOneNoteIntegrationEnabled" "$dir/entitydefinitions.json" $h -Dataverse | Out-Null
}

# The facts no API returns: a template to complete. usesGroups is left
# empty on purpose: tenantscan refuses the folder until you say whether
# each instance uses Office 365 Groups.
$extra = "$Out/tenantscan-extra.yaml"
if (-not (Test-Path $extra)) {
  $lines = @("exportedAt: $((Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ'))", 'instances:')
  foreach ($url in $DataverseUrl) {
    $lines += "  $(([Uri]$url).Host.Split('.')[0]):", "    url: $url",
      '    usesGroups:        # required: true or false (does this instance use Office 365 Groups?)',
      '    customizations: {unpublished: false}', '    groupEntities: []'
  }
  $lines += 'groups: {}', 'users: {}'
  Save-Text $extra (($lines -join "`n") + "`n")
  Write-Host "Complete $extra (usesGroups, Groups settings, connectors, sensitivity, PSTN use), then: tenantscan scan $Out"
}
