"""Open data pipeline of the Science & Technology Bureau's annual report.

Data flows one way: validate -> model -> charts -> downloads -> pages (report
pages, catalog, feeds, preview cards) -> engine (MkDocs) -> site. Validation
reads each table once and hands it to the model (model.Project); each later
stage takes the model and what the stages before it returned (the downloads
stage returns the record of what it wrote, downloads.Published) and calls
nothing back. No module imports a later stage, page stages import no staff
tool (importer, newyear, revisions), and only the build command chains them.
"""
