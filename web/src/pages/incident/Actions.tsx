import {
  Button,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { type FormEvent, useState } from "react";
import { options, PRIORITIES, ROOT_CAUSES, STAGES } from "../../api/enums";
import { useGqlMutation } from "../../api/hooks";
import { useSession } from "../../api/session";
import { ErrorNotice } from "../../components/format";
import type { IncidentPageQuery, IncidentRootCauseCategory, IncidentStage, IncidentPriority } from "../../gql/graphql";
import {
  AcknowledgeDocument,
  SetRootCauseDocument,
  UpdateIncidentDocument,
  UpdateStatusDocument,
} from "./documents";

type Incident = NonNullable<IncidentPageQuery["incident"]>;

const ACTIVE_STAGES = STAGES.filter((s) => s !== "FIXED" && s !== "NO_ACTION_REQUIRED");
const RESOLVED_STAGES = STAGES.filter((s) => s === "FIXED" || s === "NO_ACTION_REQUIRED");

/** Every lifecycle change an incident takes; each is made against the version shown. */
export function IncidentActions(props: { incident: Incident }) {
  const { incident } = props;
  const { me } = useSession();
  const version = incident.version;
  const acknowledge = useGqlMutation(AcknowledgeDocument);
  const status = useGqlMutation(UpdateStatusDocument);
  const update = useGqlMutation(UpdateIncidentDocument);
  const active = incident.incidentStatus.state === "ACTIVE";
  const [lead, setLead] = useState(incident.lead?.urn ?? "");
  const [assignees, setAssignees] = useState((incident.assignees ?? []).map((a) => a.urn));
  const error = acknowledge.error ?? status.error ?? update.error;

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Respond
        </Title>
        <ErrorNotice error={error} title="Refused" />
        <Group>
          {active && !incident.acknowledged && (
            <Button loading={acknowledge.isPending} onClick={() => acknowledge.mutate({ urn: incident.urn, version })}>
              Acknowledge
            </Button>
          )}
          {active ? (
            <ResolveButton urn={incident.urn} version={version} />
          ) : (
            <Button
              variant="default"
              loading={status.isPending}
              onClick={() => status.mutate({ urn: incident.urn, input: { state: "ACTIVE", stage: "TRIAGE" }, version })}
            >
              Reopen
            </Button>
          )}
        </Group>
        <Group align="end" grow>
          <Select
            label="Stage"
            data={options(active ? ACTIVE_STAGES : RESOLVED_STAGES)}
            value={incident.incidentStatus.stage ?? null}
            onChange={(stage) =>
              stage &&
              status.mutate({
                urn: incident.urn,
                input: { state: incident.incidentStatus.state, stage: stage as IncidentStage },
                version,
              })
            }
            allowDeselect={false}
          />
          <Select
            label="Priority"
            data={options(PRIORITIES)}
            value={incident.priority ?? null}
            onChange={(priority) =>
              priority && update.mutate({ urn: incident.urn, input: { priority: priority as IncidentPriority }, version })
            }
            allowDeselect={false}
          />
        </Group>
        <form
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            update.mutate({ urn: incident.urn, input: { leadUrn: lead.trim() || null }, version });
          }}
        >
          <Group align="end">
            <TextInput
              label="Lead"
              placeholder="urn:li:corpuser:…"
              value={lead}
              onChange={(event) => setLead(event.currentTarget.value)}
              style={{ flex: 1, minWidth: 220 }}
            />
            <Button type="submit" variant="default">
              Set lead
            </Button>
            {incident.lead?.urn !== me.user.urn && (
              <Button
                variant="light"
                onClick={() => {
                  setLead(me.user.urn);
                  update.mutate({ urn: incident.urn, input: { leadUrn: me.user.urn }, version });
                }}
              >
                Take the lead
              </Button>
            )}
          </Group>
        </form>
        <form
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            update.mutate({ urn: incident.urn, input: { assigneeUrns: assignees }, version });
          }}
        >
          <Group align="end">
            <TagsInput
              label="Assignees"
              placeholder="urn:li:corpuser:… or urn:li:corpGroup:…"
              value={assignees}
              onChange={setAssignees}
              style={{ flex: 1 }}
            />
            <Button type="submit" variant="default">
              Save assignees
            </Button>
          </Group>
        </form>
        {!active && <RootCauseForm incident={incident} />}
      </Stack>
    </Paper>
  );
}

/** Resolve with the mandatory note and a root cause, in a dialog. */
export function ResolveButton(props: { urn: string; version: number; size?: "xs" | "sm" }) {
  const [opened, { open, close }] = useDisclosure(false);
  const resolve = useGqlMutation(UpdateStatusDocument);
  const [note, setNote] = useState("");
  const [category, setCategory] = useState<string | null>(null);
  const [detail, setDetail] = useState("");
  const [stage, setStage] = useState<string>("FIXED");

  function submit(event: FormEvent) {
    event.preventDefault();
    resolve.mutate(
      {
        urn: props.urn,
        version: props.version,
        input: {
          state: "RESOLVED",
          stage: stage as IncidentStage,
          message: note,
          rootCause: category
            ? { category: category as IncidentRootCauseCategory, detail: detail.trim() || null }
            : null,
        },
      },
      { onSuccess: close },
    );
  }

  return (
    <>
      <Button color="teal.9" size={props.size ?? "sm"} onClick={open}>
        Resolve
      </Button>
      <Modal opened={opened} onClose={close} title="Resolve the incident">
        <form onSubmit={submit}>
          <Stack>
            <Textarea
              label="Resolution note"
              description="What was done; the handbook and similar incidents show it later."
              value={note}
              onChange={(event) => setNote(event.currentTarget.value)}
              required
              autosize
              minRows={3}
            />
            <Select label="Root cause" data={options(ROOT_CAUSES)} value={category} onChange={setCategory} required />
            <TextInput label="Root cause detail" value={detail} onChange={(event) => setDetail(event.currentTarget.value)} />
            <Select
              label="Final stage"
              data={options(RESOLVED_STAGES)}
              value={stage}
              onChange={(value) => setStage(value ?? "FIXED")}
              allowDeselect={false}
            />
            <ErrorNotice error={resolve.error} title="Refused" />
            <Group justify="end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" color="teal.9" loading={resolve.isPending}>
                Resolve incident
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

function RootCauseForm(props: { incident: Incident }) {
  const setRootCause = useGqlMutation(SetRootCauseDocument);
  const [category, setCategory] = useState<string | null>(props.incident.rootCause?.category ?? null);
  const [detail, setDetail] = useState(props.incident.rootCause?.detail ?? "");
  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        if (!category) return;
        setRootCause.mutate({
          urn: props.incident.urn,
          version: props.incident.version,
          rootCause: { category: category as IncidentRootCauseCategory, detail: detail.trim() || null },
        });
      }}
    >
      <Stack gap="xs">
        <Text size="sm" fw={600}>
          Correct the root cause
        </Text>
        <Group align="end">
          <Select label="Root cause" data={options(ROOT_CAUSES)} value={category} onChange={setCategory} />
          <TextInput label="Detail" value={detail} onChange={(event) => setDetail(event.currentTarget.value)} style={{ flex: 1 }} />
          <Button type="submit" variant="default" loading={setRootCause.isPending}>
            Save root cause
          </Button>
        </Group>
        <ErrorNotice error={setRootCause.error} title="Refused" />
      </Stack>
    </form>
  );
}
