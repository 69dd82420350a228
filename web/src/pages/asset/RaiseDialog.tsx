import { Alert, Anchor, Button, Group, Modal, Select, Stack, TagsInput, Textarea, TextInput } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import { options, PRIORITIES, TYPES } from "../../api/enums";
import { useGqlMutation } from "../../api/hooks";
import { ErrorNotice } from "../../components/format";
import { graphql } from "../../gql";
import type { IncidentPriority, IncidentType } from "../../gql/graphql";
import { incidentPath } from "../../paths";

const RaiseDocument = graphql(`
  mutation Raise($input: RaiseIncidentInput!) {
    raiseIncident(input: $input)
  }
`);

/** DataHub's "Raise Incident" dialog, on an asset's page. */
export function RaiseDialog(props: { assetUrn: string }) {
  const [opened, { open, close }] = useDisclosure(false);
  const raise = useGqlMutation(RaiseDocument);
  const [type, setType] = useState<string | null>("OPERATIONAL");
  const [customType, setCustomType] = useState("");
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [priority, setPriority] = useState<string | null>(null);
  const [assignees, setAssignees] = useState<string[]>([]);
  const [raised, setRaised] = useState<string | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    raise.mutate(
      {
        input: {
          type: (type ?? "OPERATIONAL") as IncidentType,
          customType: type === "CUSTOM" ? customType : null,
          title: title.trim() || null,
          description: description.trim() || null,
          priority: priority as IncidentPriority | null,
          assigneeUrns: assignees.length ? assignees : null,
          resourceUrn: props.assetUrn,
        },
      },
      {
        onSuccess: (data) => {
          setRaised(data.raiseIncident);
          setTitle("");
          setDescription("");
          close();
        },
      },
    );
  }

  return (
    <>
      <Button color="red.9" onClick={open}>
        Raise incident
      </Button>
      {raised && (
        <Alert color="indigo" title="Incident raised" withCloseButton onClose={() => setRaised(null)}>
          <Anchor component={Link} href={incidentPath(raised)}>
            Open the new incident
          </Anchor>
        </Alert>
      )}
      <Modal opened={opened} onClose={close} title="Raise an incident">
        <form onSubmit={submit}>
          <Stack>
            <Select label="Type" data={options(TYPES)} value={type} onChange={setType} allowDeselect={false} required />
            {type === "CUSTOM" && (
              <TextInput label="Custom type" value={customType} onChange={(e) => setCustomType(e.currentTarget.value)} required />
            )}
            <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} required />
            <Textarea label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={3} />
            <Select label="Priority" data={options(PRIORITIES)} value={priority} onChange={setPriority} clearable />
            <TagsInput label="Assignees" placeholder="urn:li:corpuser:…" value={assignees} onChange={setAssignees} />
            <ErrorNotice error={raise.error} title="Refused" />
            <Group justify="end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" color="red.9" loading={raise.isPending}>
                Raise
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
