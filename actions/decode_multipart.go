package actions

import (
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"reflect"
	"strings"
)

// maxParts bounds the parts of a multipart body.
const maxParts = 1000

// File is an uploaded file, for an input field of type *File in a
// multipart form. Its content is held in memory, within the action's body
// limit.
type File struct {
	Filename    string
	ContentType string
	Size        int64
	Content     []byte
}

func (r *Registry) parseMultipart(c *core, body *limitedBody, boundary string, res *Result) (*core, *payload, error) {
	if boundary == "" {
		return c, nil, malformed("The multipart body has no boundary.")
	}
	mr := multipart.NewReader(body, boundary)
	values := url.Values{}
	files := map[string]*File{}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return c, nil, body.readError(err)
		}
		if n == maxParts {
			return c, nil, malformed("The form has more than %d parts.", maxParts)
		}
		if c, err = r.readPart(c, part, body, values, files, res); err != nil {
			return c, nil, err
		}
	}
	if c == nil {
		var err error
		if c, err = r.identify(values.Get(FieldAction), body, res); err != nil {
			return c, nil, err
		}
	}
	if err := body.admit(c); err != nil { // before decoding, whenever the ID came
		return c, nil, err
	}
	p, err := r.decodeForm(c, values, files, res)
	return c, p, err
}

// readPart reads one part into values or files. When the action is known,
// a part its input does not take is refused before a byte of it is read;
// the "_action" part makes the action known.
func (r *Registry) readPart(c *core, part *multipart.Part, body *limitedBody, values url.Values, files map[string]*File, res *Result) (*core, error) {
	name := part.FormName()
	_, disp, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	_, isFile := disp["filename"]
	if c != nil && !strings.HasPrefix(name, "_") {
		if err := body.admit(c); err != nil {
			return c, err
		}
		if f, ok := c.Field(name); !ok || f.File != isFile {
			return c, malformed("The form has an unknown field %.60q.", name)
		}
	}
	data, err := io.ReadAll(part)
	if err != nil {
		return c, body.readError(err)
	}
	switch {
	case name == FieldAction && c == nil:
		values.Add(name, string(data))
		return r.identify(string(data), body, res)
	case name == FieldForm:
		res.Form = string(data) // known before a large part that follows
		values.Add(name, string(data))
	case isFile && part.FileName() == "" && len(data) == 0:
		// an empty file input
	case isFile:
		files[name] = &File{Filename: part.FileName(), ContentType: part.Header.Get("Content-Type"),
			Size: int64(len(data)), Content: data}
	default:
		values.Add(name, string(data))
	}
	return c, nil
}

// setFiles puts uploaded files into their fields of p's input, and a file
// over its field's limits into p's field errors.
func (c *core) setFiles(p *payload, files map[string]*File) error {
	if len(files) == 0 {
		return nil
	}
	v := reflect.ValueOf(p.in).Elem()
	for name, file := range files {
		f, ok := c.Field(name)
		if !ok || !f.File {
			return malformed("The form has an unknown file field %.60q.", name)
		}
		if msg := f.Limits.check(file); msg != "" {
			if p.fields == nil {
				p.fields = map[string]string{}
			}
			p.fields[name] = msg
			continue
		}
		fv := v.FieldByIndex(f.index)
		if fv.Kind() == reflect.Pointer {
			fv.Set(reflect.ValueOf(file))
		} else {
			fv.Set(reflect.ValueOf(*file))
		}
	}
	return nil
}
