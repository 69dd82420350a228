import { Button, Group, Paper, Stack, Text, Textarea, Timeline, Title } from "@mantine/core";
import { type FormEvent, Fragment, type ReactNode, useState } from "react";
import { useGqlMutation } from "../../api/hooks";
import { useSession } from "../../api/session";
import { ErrorNotice, Time, shortUrn, words } from "../../components/format";
import type { IncidentPageQuery } from "../../gql/graphql";
import { AddCommentDocument, EditCommentDocument } from "./documents";

type Incident = NonNullable<IncidentPageQuery["incident"]>;
type Comment = Incident["comments"]["comments"][number];

// As the server reads mentions: @urn:li:corpuser:<name>.
const MENTION = /(@urn:li:corpuser:[^\s(),]+)/g;

/** Comment text with its @mentions set apart. */
function CommentText(props: { text: string }) {
  const parts: ReactNode[] = props.text.split(MENTION).map((part, index) =>
    index % 2 === 1 ? (
      <Text span fw={700} c="indigo.9" key={index} title={part.slice(1)}>
        @{shortUrn(part.slice(1))}
      </Text>
    ) : (
      <Fragment key={index}>{part}</Fragment>
    ),
  );
  return (
    <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
      {parts}
    </Text>
  );
}

const EMPTY = new Set([null, undefined, "[]", '""']);

/** A value as a person reads it: times as dates, JSON strings without their quotes. */
function shown(field: string, value: string | null | undefined): string {
  if (EMPTY.has(value)) return "none";
  if (field.endsWith("At") && /^\d+$/.test(value ?? "")) return new Date(Number(value)).toLocaleString();
  return (value ?? "").replace(/^"(.*)"$/, "$1");
}

function change(field: string, oldValue: string | null | undefined, newValue: string | null | undefined) {
  if (EMPTY.has(oldValue)) return `${field}: ${shown(field, newValue)}`;
  return `${field}: ${shown(field, oldValue)} → ${shown(field, newValue)}`;
}

/** The incident's history, oldest first, with each comment where it was made. */
export function IncidentTimeline(props: { incident: Incident }) {
  const { incident } = props;
  const comments = new Map(incident.comments.comments.map((c) => [c.id, c]));
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Timeline
        </Title>
        {incident.timeline.total > incident.timeline.events.length && (
          <Text size="sm" c="dimmed">
            The first {incident.timeline.events.length} of {incident.timeline.total} changes.
          </Text>
        )}
        <Timeline bulletSize={14} lineWidth={2} data-testid="timeline">
          {incident.timeline.events.map((event, index) => {
            const comment = event.commentId ? comments.get(event.commentId) : undefined;
            return (
              <Timeline.Item
                key={`${event.time}-${index}`}
                title={`${words(event.kind)} by ${shortUrn(event.actor)}`}
                data-kind={event.kind}
              >
                <Text size="xs" c="dimmed">
                  <Time ms={event.time} />
                </Text>
                {comment && event.kind === "COMMENTED" ? (
                  <CommentView incidentUrn={incident.urn} comment={comment} />
                ) : (
                  // A raise lists every field; the ones it left empty say nothing.
                  event.changes
                    .filter((c) => !(EMPTY.has(c.oldValue) && EMPTY.has(c.newValue)))
                    .map((c) => (
                      <Text size="sm" key={c.field}>
                        {change(c.field, c.oldValue, c.newValue)}
                      </Text>
                    ))
                )}
              </Timeline.Item>
            );
          })}
        </Timeline>
        <CommentForm incidentUrn={incident.urn} />
      </Stack>
    </Paper>
  );
}

function CommentView(props: { incidentUrn: string; comment: Comment }) {
  const { me, canWrite } = useSession();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(props.comment.text);
  const edit = useGqlMutation(EditCommentDocument);
  const mine = props.comment.created.actor === me.user.urn;
  if (editing) {
    return (
      <form
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          edit.mutate(
            { urn: props.incidentUrn, commentId: props.comment.id, text },
            { onSuccess: () => setEditing(false) },
          );
        }}
      >
        <Stack gap="xs">
          <Textarea label="Edit comment" value={text} onChange={(e) => setText(e.currentTarget.value)} autosize />
          <ErrorNotice error={edit.error} title="Refused" />
          <Group gap="xs">
            <Button size="xs" type="submit" loading={edit.isPending}>
              Save
            </Button>
            <Button size="xs" variant="default" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    );
  }
  return (
    <Stack gap={2} data-comment={props.comment.id}>
      <CommentText text={props.comment.text} />
      {props.comment.edited && (
        <Text size="xs" c="dimmed">
          edited <Time ms={props.comment.edited.time} />
        </Text>
      )}
      {mine && canWrite && (
        <Button size="compact-xs" variant="subtle" onClick={() => setEditing(true)} w="fit-content">
          Edit
        </Button>
      )}
    </Stack>
  );
}

function CommentForm(props: { incidentUrn: string }) {
  const { canWrite } = useSession();
  const [text, setText] = useState("");
  const add = useGqlMutation(AddCommentDocument);
  if (!canWrite) return null;
  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        add.mutate({ urn: props.incidentUrn, text }, { onSuccess: () => setText("") });
      }}
    >
      <Stack gap="xs">
        <Textarea
          label="Comment"
          description="Mention someone as @urn:li:corpuser:<name>: they follow the incident from then on."
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          autosize
          minRows={2}
        />
        <ErrorNotice error={add.error} title="Refused" />
        <Button type="submit" loading={add.isPending} w="fit-content">
          Add comment
        </Button>
      </Stack>
    </form>
  );
}
