// Parts of the console that wait for the API, mounted where they belong so that finishing one
// is a change to this file only. Until its API exists each shows nothing: no data is made up.
//   - the health badge's image and its embed snippet: badgeUrl (issue 17);
//   - the metrics page (incidentMetrics charts with a time range) has no route or menu entry
//     yet for the same reason (issue 17).

export function BadgeEmbed(_props: { assetUrn: string }) {
  return null;
}
