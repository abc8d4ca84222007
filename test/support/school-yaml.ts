/**
 * The demo school as it opens a `schools:` list in a test's YAML config: its id, name, own domain and DSL team
 * with their channel. A test appends the keys it is about (directory, google, microsoft, agreements) after it.
 */
export const NORTHGATE_SCHOOL = `  - id: northgate
    name: Northgate Primary
    ownDomains: [northgate.example]
    dsl:
      members: [{ email: r.okafor@northgate.example, role: dsl }]
      channel: { teamId: team-1, channelId: "19:dsl@thread.tacv2" }
`;
