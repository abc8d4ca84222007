// Lantern on Azure: the container on Azure Container Apps, its database on Azure Cosmos DB for MongoDB (vCore)
// or a MongoDB the school already has (e.g. Atlas), every secret in Key Vault, the Teams bot registration, and
// health probes on /healthz and /readyz. Deploy into an empty resource group, in the UK by default:
//
//   az group create --name lantern --location uksouth
//   az deployment group create --resource-group lantern --template-file infra/azure/main.bicep \
//     --parameters @infra/azure/main.parameters.example.json
//
// Step by step, with what each parameter means: docs/admin-guide.md, "Azure".

targetScope = 'resourceGroup'

@description('Azure region. UK South keeps pupils\' data in the UK.')
param location string = 'uksouth'

@description('Short prefix for resource names (lower-case letters and digits).')
@minLength(3)
@maxLength(12)
param namePrefix string = 'lantern'

@description('The Lantern container image, built from infra/Dockerfile and pushed to a registry (e.g. myregistry.azurecr.io/lantern:1.4.0).')
param image string

@description('Registry server of the image when it is private (e.g. myregistry.azurecr.io); the app pulls with its managed identity, which needs AcrPull on that registry. Empty for a public image.')
param registryServer string = ''

@description('Where the data lives: "cosmos-vcore" creates an Azure Cosmos DB for MongoDB (vCore) cluster; "external" uses externalMongoUri (e.g. MongoDB Atlas in a UK region).')
@allowed([
  'cosmos-vcore'
  'external'
])
param database string = 'cosmos-vcore'

@description('Connection string of an existing MongoDB 6+ when database is "external".')
@secure()
param externalMongoUri string = ''

@description('Administrator user name of the Cosmos DB cluster.')
param mongoAdminUser string = 'lanternadmin'

@description('Administrator password of the Cosmos DB cluster (at least 8 characters; letters, digits and symbols).')
@secure()
param mongoAdminPassword string = ''

@description('Cosmos DB for MongoDB (vCore) compute tier; M10 is enough for a school or a small trust.')
param mongoTier string = 'M10'

@description('Cosmos DB storage in GiB.')
param mongoStorageGb int = 32

@description('The contents of lantern.config.yaml (see examples/lantern.config.yaml). Stored as a Key Vault secret and mounted read-only at /config/lantern.config.yaml.')
@secure()
param lanternConfigYaml string

@description('The bot\'s Entra app registration (application) id.')
param botAppId string

@description('The Entra tenant id of the bot\'s app registration (single tenant).')
param botTenantId string

@description('The client secret of the bot\'s app registration.')
@secure()
param botAppSecret string

@description('The integrity key: 64 hexadecimal characters (openssl rand -hex 32). Keep a copy outside Azure; without it sealed records cannot be verified.')
@secure()
@minLength(64)
@maxLength(64)
param integrityKey string

@description('JSON key of the Google service account with domain-wide delegation (Google Workspace schools). Empty for a Microsoft-only school.')
@secure()
param googleServiceAccountKey string = ''

@description('Client secret of the Entra app Lantern uses for Graph and the Management Activity API (Microsoft schools). Empty when none.')
@secure()
param msClientSecret string = ''

@description('The public https address when a custom domain is bound (e.g. https://lantern.northgate.sch.uk). Empty: the Container Apps address.')
param publicUrl string = ''

@description('Log level of the container: fatal, error, warn, info, debug.')
@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
])
param logLevel string = 'info'

var suffix = uniqueString(resourceGroup().id)
var appName = '${namePrefix}-app'
var vaultName = take('${namePrefix}kv${suffix}', 24)
var clusterName = '${namePrefix}-db-${suffix}'
var port = 3978
var configMount = '/config'
var secretsMount = '/secrets'
var useCosmos = database == 'cosmos-vcore'
var hasGoogleKey = !empty(googleServiceAccountKey)
var hasMsSecret = !empty(msClientSecret)
var appUrl = empty(publicUrl) ? 'https://${appName}.${appEnvironment.properties.defaultDomain}' : publicUrl
// Built-in role "Key Vault Secrets User": read secret values, nothing else.
var keyVaultSecretsUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
var cosmosUri = 'mongodb+srv://${mongoAdminUser}:${uriComponent(mongoAdminPassword)}@${clusterName}.mongocluster.cosmos.azure.com/lantern?tls=true&authMechanism=SCRAM-SHA-256&retrywrites=false&maxIdleTimeMS=120000'

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs-${suffix}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-identity'
  location: location
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: keyVaultSecretsUser
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource cluster 'Microsoft.DocumentDB/mongoClusters@2024-07-01' = if (useCosmos) {
  name: clusterName
  location: location
  properties: {
    administrator: {
      userName: mongoAdminUser
      password: mongoAdminPassword
    }
    serverVersion: '7.0'
    compute: {
      tier: mongoTier
    }
    storage: {
      sizeGb: mongoStorageGb
    }
    sharding: {
      shardCount: 1
    }
    highAvailability: {
      targetMode: 'Disabled'
    }
    publicNetworkAccess: 'Enabled'
  }
}

// Only Azure services reach the cluster (0.0.0.0 is Azure's own "allow Azure services" rule).
resource clusterFromAzure 'Microsoft.DocumentDB/mongoClusters/firewallRules@2024-07-01' = if (useCosmos) {
  parent: cluster
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource mongoUriSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'mongodb-uri'
  properties: {
    value: useCosmos ? cosmosUri : externalMongoUri
  }
}

resource configSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'lantern-config'
  properties: {
    value: lanternConfigYaml
  }
}

resource botSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'bot-app-secret'
  properties: {
    value: botAppSecret
  }
}

resource integritySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'integrity-key'
  properties: {
    value: integrityKey
  }
}

resource googleKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (hasGoogleKey) {
  parent: vault
  name: 'google-service-account'
  properties: {
    value: googleServiceAccountKey
  }
}

resource msSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (hasMsSecret) {
  parent: vault
  name: 'ms-client-secret'
  properties: {
    value: msClientSecret
  }
}

resource appEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${namePrefix}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

var baseSecrets = [
  {
    name: 'mongodb-uri'
    keyVaultUrl: '${vault.properties.vaultUri}secrets/mongodb-uri'
    identity: identity.id
  }
  {
    name: 'lantern-config'
    keyVaultUrl: '${vault.properties.vaultUri}secrets/lantern-config'
    identity: identity.id
  }
  {
    name: 'bot-app-secret'
    keyVaultUrl: '${vault.properties.vaultUri}secrets/bot-app-secret'
    identity: identity.id
  }
  {
    name: 'integrity-key'
    keyVaultUrl: '${vault.properties.vaultUri}secrets/integrity-key'
    identity: identity.id
  }
]
var googleSecrets = hasGoogleKey
  ? [
      {
        name: 'google-service-account'
        keyVaultUrl: '${vault.properties.vaultUri}secrets/google-service-account'
        identity: identity.id
      }
    ]
  : []
var msSecrets = hasMsSecret
  ? [
      {
        name: 'ms-client-secret'
        keyVaultUrl: '${vault.properties.vaultUri}secrets/ms-client-secret'
        identity: identity.id
      }
    ]
  : []

var baseEnv = [
  {
    name: 'MONGODB_URI'
    secretRef: 'mongodb-uri'
  }
  {
    name: 'LANTERN_CONFIG'
    value: '${configMount}/lantern.config.yaml'
  }
  {
    name: 'LANTERN_HOST'
    value: '0.0.0.0'
  }
  {
    name: 'PORT'
    value: string(port)
  }
  {
    name: 'LANTERN_PUBLIC_URL'
    value: appUrl
  }
  {
    name: 'LANTERN_BOT_APP_ID'
    value: botAppId
  }
  {
    name: 'LANTERN_BOT_TENANT_ID'
    value: botTenantId
  }
  {
    name: 'LANTERN_BOT_APP_SECRET'
    secretRef: 'bot-app-secret'
  }
  {
    name: 'LANTERN_INTEGRITY_KEY'
    secretRef: 'integrity-key'
  }
  {
    name: 'LANTERN_DATA_DIR'
    value: '/tmp/lantern'
  }
  {
    name: 'LOG_LEVEL'
    value: logLevel
  }
]
var googleEnv = hasGoogleKey
  ? [
      {
        name: 'LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE'
        value: '${secretsMount}/google-service-account.json'
      }
    ]
  : []
var msEnv = hasMsSecret
  ? [
      {
        name: 'LANTERN_MS_CLIENT_SECRET'
        secretRef: 'ms-client-secret'
      }
    ]
  : []

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  // The app reads its secrets from Key Vault at start: they and the right to read them must exist first.
  dependsOn: [
    vaultReader
    clusterFromAzure
    mongoUriSecret
    configSecret
    botSecret
    integritySecret
    googleKeySecret
    msSecret
  ]
  properties: {
    managedEnvironmentId: appEnvironment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'http'
        allowInsecure: false
      }
      registries: empty(registryServer)
        ? []
        : [
            {
              server: registryServer
              identity: identity.id
            }
          ]
      secrets: concat(baseSecrets, googleSecrets, msSecrets)
    }
    template: {
      containers: [
        {
          name: 'lantern'
          image: image
          env: concat(baseEnv, googleEnv, msEnv)
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          volumeMounts: concat(
            [
              {
                volumeName: 'config'
                mountPath: configMount
              }
            ],
            hasGoogleKey
              ? [
                  {
                    volumeName: 'secrets'
                    mountPath: secretsMount
                  }
                ]
              : []
          )
          probes: [
            {
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 5
              failureThreshold: 24
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 30
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: port
              }
              periodSeconds: 10
              failureThreshold: 3
            }
          ]
        }
      ]
      // Background jobs (sends, reminders, audit-log polling) need a running replica: never scale to zero.
      // Two replicas are safe (leases and unique claims) but one is enough for a school.
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
      volumes: concat(
        [
          {
            name: 'config'
            storageType: 'Secret'
            secrets: [
              {
                secretRef: 'lantern-config'
                path: 'lantern.config.yaml'
              }
            ]
          }
        ],
        hasGoogleKey
          ? [
              {
                name: 'secrets'
                storageType: 'Secret'
                secrets: [
                  {
                    secretRef: 'google-service-account'
                    path: 'google-service-account.json'
                  }
                ]
              }
            ]
          : []
      )
    }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${namePrefix}-bot-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: 'Lantern'
    endpoint: '${appUrl}/api/messages'
    msaAppId: botAppId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botTenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

@description('The address to put in server.publicUrl and the Teams app package.')
output publicUrl string = appUrl

@description('The bot\'s messaging endpoint.')
output messagingEndpoint string = '${appUrl}/api/messages'

@description('The Key Vault holding Lantern\'s secrets.')
output keyVaultName string = vault.name
