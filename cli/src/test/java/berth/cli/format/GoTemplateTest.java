package berth.cli.format;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GoTemplateTest {
    private static final Object CONTAINER = Json.parse("""
            {"Id":"abc","Name":"/web","State":{"Status":"running","Pid":42,"Running":true},
             "Config":{"Labels":{"app":"web","tier":"front"},"Env":["A=1","B=2"],"Cmd":null},
             "HostConfig":{"Memory":67108864,"NanoCpus":1.5}}""");

    private static String render(String template) {
        return GoTemplate.parse(template).execute(CONTAINER);
    }

    @Test
    void fieldsAndNestedFields() {
        assertEquals("abc /web running 42", render("{{.Id}} {{.Name}} {{.State.Status}} {{.State.Pid}}"));
        assertEquals("67108864", render("{{.HostConfig.Memory}}"));
        assertEquals("true", render("{{.State.Running}}"));
    }

    @Test
    void jsonOfAFieldAndOfTheWhole() {
        assertEquals("{\"app\":\"web\",\"tier\":\"front\"}", render("{{json .Config.Labels}}"));
        assertEquals("[\"A=1\",\"B=2\"]", render("{{json .Config.Env}}"));
        assertEquals("null", render("{{json .Config.Cmd}}"));
        assertEquals("{\"a\":\"<b>\"}", GoTemplate.parse("{{json .}}").execute(Map.of("a", "<b>")));
    }

    @Test
    void indexJoinAndPipelines() {
        assertEquals("web", render("{{index .Config.Labels \"app\"}}"));
        assertEquals("A=1,B=2", render("{{join .Config.Env \",\"}}"));
        assertEquals("RUNNING", render("{{.State.Status | upper}}"));
        assertEquals("A=1", render("{{index .Config.Env 0}}"));
    }

    @Test
    void rangeIfAndVariables() {
        assertEquals("A=1;B=2;", render("{{range .Config.Env}}{{.}};{{end}}"));
        assertEquals("app=web tier=front ", render("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}} {{end}}"));
        assertEquals("up", render("{{if .State.Running}}up{{else}}down{{end}}"));
        assertEquals("yes", render("{{if eq .State.Status \"running\"}}yes{{end}}"));
        assertEquals("none", render("{{range .Config.Cmd}}x{{else}}none{{end}}"));
        assertEquals("running", render("{{with .State}}{{.Status}}{{end}}"));
    }

    @Test
    void goValueFormatting() {
        assertEquals("[A=1 B=2]", render("{{.Config.Env}}"));
        assertEquals("map[app:web tier:front]", render("{{.Config.Labels}}"));
        assertEquals("<no value>", render("{{.Nope}}"));
        assertEquals("1.5", render("{{.HostConfig.NanoCpus}}"));
    }

    @Test
    void trimMarkersAndMethodsWithArguments() {
        assertEquals("a|b", GoTemplate.parse("a  {{- \"|\" -}}  b").execute(Map.of()));
        Map<String, Object> row = Map.of("Label", (java.util.function.Function<Object, Object>) k -> "v-" + k);
        assertEquals("v-x", GoTemplate.parse("{{.Label \"x\"}}").execute(row));
    }

    @Test
    void errorsAreReported() {
        assertThrows(GoTemplate.TemplateException.class, () -> GoTemplate.parse("{{.Id"));
        assertThrows(GoTemplate.TemplateException.class, () -> GoTemplate.parse("{{range .X}}"));
        assertThrows(GoTemplate.TemplateException.class, () -> render("{{nofunc .Id}}"));
        assertThrows(GoTemplate.TemplateException.class, () -> render("{{.Id.Sub}}"));
        assertEquals(List.of(), List.of());
    }
}
